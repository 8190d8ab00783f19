package io.dynbatch.job.report;

import io.dynbatch.job.model.BatchReceipt;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The run summary's CSV, column for column as the notebooks and scripts read it. */
class RunSummaryTest {

    private static BatchReceipt receipt(String arm, long commitTime, long events, long latencyMillis) {
        BatchReceipt r = new BatchReceipt();
        r.arm = arm;
        r.batchId = arm + "-0-1";
        r.events = events;
        r.rows = 3;
        r.statements = 1;
        r.transactions = 1;
        r.writeMillis = 7;
        r.retries = 1;
        r.commitTime = commitTime;
        Histogram h = new Histogram(3);
        h.recordValueWithCount(latencyMillis, events);
        r.latencyHistogram = BatchReceipt.encodeLatency(h);
        return r;
    }

    @Test
    void csvKeepsItsColumnsAndFormat() {
        RunSummary s = new RunSummary(10_000, 2_000, CostModel.defaults());
        s.add(receipt("static", 1_000, 1_000, 500));
        s.add(receipt("static", 12_000, 1_000, 3_000));
        s.add(receipt("adaptive", 1_000, 2_000, 900));
        double adaptiveCost = CostModel.defaults().costPer1kEvents(1, 3, 2_000);
        double staticCost = CostModel.defaults().costPer1kEvents(2, 6, 2_000);
        assertThat(s.csv()).isEqualTo("arm,events,batches,transactions,rows,db_ms,db_ms_per_1k,cost_per_1k,"
                + "p50_ms,p95_ms,p99_ms,max_ms,slo_ms,intervals,intervals_slo_met,retries\n"
                + "adaptive,2000,1,1,3,7,3.500," + String.format(java.util.Locale.ROOT, "%.3f", adaptiveCost)
                + ",900,900,900,900,2000,1,1,1\n"
                + "static,2000,2,2,6,14,7.000," + String.format(java.util.Locale.ROOT, "%.3f", staticCost)
                + ",500,3001,3001,3001,2000,2,1,2\n");
    }
}
