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
 * <operator>.dynbatch.arm.<scope>}: a trigger's metrics scope (its {@code withMetricsScope}) tells
 * apart the triggers of one job, and is the value of the metric variable {@code arm}, the key under
 * which dashboards and alerts select it (for instance {@code dynbatch_arm_batchSize{arm="adaptive"}}
 * in Prometheus):
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

    /** The metrics scope of a trigger built without one. */
    static final String DEFAULT_SCOPE = "default";

    /** Key of the metric group (and variable) whose value is the scope; dashboards depend on it. */
    private static final String SCOPE_KEY = "arm";

    private final MetricGroup group;
    private final Histogram batchSize;
    private final Map<FlushReason, Counter> flushes = new EnumMap<>(FlushReason.class);

    BatchTriggerMetrics(MetricGroup operatorGroup, String scope) {
        MetricGroup base = operatorGroup == null ? new UnregisteredMetricsGroup() : operatorGroup;
        this.group = base.addGroup("dynbatch").addGroup(SCOPE_KEY, scope);
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        for (FlushReason reason : FlushReason.values()) {
            flushes.put(reason, group.addGroup("reason", reason.label()).counter("flushes"));
        }
    }

    /**
     * {@code scope} if it is a valid metrics scope: 1 to 40 letters, digits, {@code _} or {@code -}.
     *
     * @throws IllegalArgumentException otherwise
     */
    static String requireScope(String scope) {
        if (scope == null || !scope.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new IllegalArgumentException("metrics scope must match [A-Za-z0-9_-]{1,40}, got " + scope);
        }
        return scope;
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
