package io.dynbatch.triggers;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.EnumMap;
import java.util.Map;

/**
 * The metrics every batching trigger reports, registered once per operator instance under {@code
 * <operator>.dynbatch.arm.<arm>}:
 *
 * <ul>
 *   <li>{@code batchSize}: histogram of flushed batch sizes (elements);
 *   <li>{@code flushes} with variable {@code reason} (size, time, end_of_input, adaptive):
 *       counters of flushes by reason.
 * </ul>
 */
public class BatchTriggerMetrics {

    /** Number of recent batch sizes the histogram keeps for its statistics. */
    static final int HISTOGRAM_WINDOW = 1024;

    private final MetricGroup group;
    private final Histogram batchSize;
    private final Map<FlushReason, Counter> flushes = new EnumMap<>(FlushReason.class);

    BatchTriggerMetrics(MetricGroup operatorGroup, String arm) {
        MetricGroup base = operatorGroup == null ? new UnregisteredMetricsGroup() : operatorGroup;
        this.group = base.addGroup("dynbatch").addGroup("arm", arm);
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        for (FlushReason reason : FlushReason.values()) {
            flushes.put(reason, group.addGroup("reason", reason.label()).counter("flushes"));
        }
    }

    /** The group further trigger-specific metrics register in. */
    public MetricGroup group() {
        return group;
    }

    public void recordFlush(FlushReason reason, long size) {
        flushes.get(reason).inc();
        batchSize.update(size);
    }

    public long flushCount(FlushReason reason) {
        return flushes.get(reason).getCount();
    }

    public Histogram batchSize() {
        return batchSize;
    }
}
