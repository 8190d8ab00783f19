package io.dynbatch.job.report;

import io.dynbatch.job.model.ArmIntervalReport;
import io.dynbatch.job.model.BatchReceipt;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares the A/B arms as their receipts arrive (keyed by arm): per interval of commit time it
 * emits an {@link ArmIntervalReport} (events, transactions, rows, DB time and modelled cost per 1k
 * events, p50/p95/p99/max insight latency from the merged HdrHistograms, SLO met or not), logs it
 * and exposes the latest figures as per-arm gauges ({@code dynbatch.arm.<arm>.report*}).
 *
 * <p>An interval is reported once its end plus a grace period has passed (processing time), or at
 * the end of input. The open intervals are not checkpointed: after a failover a partial interval's
 * report is lost or partial. The report is for watching; the totals tables are the exact record.
 */
public class AbComparator extends KeyedProcessFunction<String, BatchReceipt, ArmIntervalReport> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AbComparator.class);
    private static final long GRACE_MILLIS = 2_000;

    private final long intervalMillis;
    private final long sloMillis;
    private final CostModel costModel;

    private transient Map<String, TreeMap<Long, ArmStats>> open;
    private transient Map<String, Long> reportedUpTo;
    private transient Map<String, ArmIntervalReport> latest;

    public AbComparator(long intervalMillis, long sloMillis, CostModel costModel) {
        this.intervalMillis = intervalMillis;
        this.sloMillis = sloMillis;
        this.costModel = costModel;
    }

    @Override
    public void open(OpenContext openContext) {
        open = new HashMap<>();
        latest = new HashMap<>();
        reportedUpTo = new HashMap<>();
    }

    @Override
    public void processElement(BatchReceipt receipt, Context ctx, Collector<ArmIntervalReport> out) {
        String arm = ctx.getCurrentKey();
        if (!latest.containsKey(arm)) {
            registerGauges(arm);
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // end of input: report the rest
        }
        long start = Math.floorDiv(receipt.commitTime, intervalMillis) * intervalMillis;
        Long reported = reportedUpTo.get(arm);
        if (reported != null && start <= reported) {
            start = reported + intervalMillis; // a receipt that arrives after its interval was reported joins the next
        }
        TreeMap<Long, ArmStats> intervals = open.computeIfAbsent(arm, a -> new TreeMap<>());
        if (!intervals.containsKey(start)) {
            ctx.timerService().registerProcessingTimeTimer(start + intervalMillis + GRACE_MILLIS);
        }
        intervals.computeIfAbsent(start, s -> new ArmStats()).add(receipt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ArmIntervalReport> out) {
        boolean endOfInput = timestamp == Long.MAX_VALUE;
        TreeMap<Long, ArmStats> intervals = open.getOrDefault(ctx.getCurrentKey(), new TreeMap<>());
        for (Iterator<Map.Entry<Long, ArmStats>> it = intervals.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, ArmStats> e = it.next();
            if (!endOfInput && e.getKey() + intervalMillis + GRACE_MILLIS > timestamp) {
                break;
            }
            ArmIntervalReport report = report(ctx.getCurrentKey(), e.getKey(), e.getValue());
            reportedUpTo.merge(report.arm, e.getKey(), Math::max);
            latest.put(report.arm, report);
            LOG.info("A/B interval {} (+{} s) {}", e.getKey(), intervalMillis / 1000, report);
            out.collect(report);
            it.remove();
        }
    }

    ArmIntervalReport report(String arm, long start, ArmStats s) {
        ArmIntervalReport r = new ArmIntervalReport();
        r.arm = arm;
        r.intervalStart = start;
        r.intervalSeconds = (int) (intervalMillis / 1000);
        r.events = s.events;
        r.batches = s.batches;
        r.transactions = s.transactions;
        r.rows = s.rows;
        r.dbMillis = s.dbMillis;
        r.dbMillisPer1kEvents = s.dbMillisPer1kEvents();
        r.costPer1kEvents = s.costPer1kEvents(costModel);
        r.p50Millis = s.latencyPercentileMillis(50);
        r.p95Millis = s.latencyPercentileMillis(95);
        r.p99Millis = s.latencyPercentileMillis(99);
        r.maxMillis = s.maxLatencyMillis();
        r.sloMillis = sloMillis;
        r.sloMet = s.meetsSlo(sloMillis);
        return r;
    }

    private void registerGauges(String arm) {
        latest.put(arm, null);
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("dynbatch").addGroup("arm", arm);
        group.gauge("reportP99Millis", () -> value(arm).p99Millis);
        group.gauge("reportSloMet", () -> value(arm).sloMet ? 1 : 0);
        group.gauge("reportDbMillisPer1kEvents", () -> value(arm).dbMillisPer1kEvents);
        group.gauge("reportCostPer1kEvents", () -> value(arm).costPer1kEvents);
        group.gauge("reportTransactions", () -> value(arm).transactions);
    }

    private ArmIntervalReport value(String arm) {
        ArmIntervalReport r = latest.get(arm);
        return r == null ? new ArmIntervalReport() : r;
    }
}
