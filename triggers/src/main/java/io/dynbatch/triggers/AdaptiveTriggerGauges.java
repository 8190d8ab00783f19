package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.FlushPlan;
import io.dynbatch.triggers.policy.KeyLearning;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The gauges of an {@link AdaptiveBatchTrigger}, in its {@link BatchTriggerMetrics} group. They show
 * the last plan the trigger made on this subtask (for whichever key it was):
 *
 * <ul>
 *   <li>{@code targetSize}: expected batch size at the planned deadline;
 *   <li>{@code deadlineMillis}: planned deadline, ms from the time of planning;
 *   <li>{@code costPerCallMillis}, {@code costPerElementMicros}: learned {@code a} and {@code b};
 *   <li>{@code writerUtilisation}: the subtask's write time per unit of time (all keys);
 *   <li>{@code pendingCount}: elements in pending batches of this subtask, counted since the
 *       operator (re)started (batches restored from a checkpoint are not included).
 * </ul>
 */
final class AdaptiveTriggerGauges {

    private volatile long targetSize;
    private volatile long deadlineMillis;
    private volatile double perCallMillis;
    private volatile double perElementMicros;
    private volatile double writerUtilisation;
    private long pending;
    private volatile long pendingGauge;

    AdaptiveTriggerGauges(MetricGroup group) {
        group.gauge("targetSize", (Gauge<Long>) () -> targetSize);
        group.gauge("deadlineMillis", (Gauge<Long>) () -> deadlineMillis);
        group.gauge("costPerCallMillis", (Gauge<Double>) () -> perCallMillis);
        group.gauge("costPerElementMicros", (Gauge<Double>) () -> perElementMicros);
        group.gauge("writerUtilisation", (Gauge<Double>) () -> writerUtilisation);
        group.gauge("pendingCount", (Gauge<Long>) () -> pendingGauge);
    }

    void planned(FlushPlan plan, long nowMillis, KeyLearning learning, double utilisation) {
        targetSize = plan.expectedSize();
        deadlineMillis = plan.deadlineMillis() - nowMillis;
        perCallMillis = learning.cost().perCallMillis();
        perElementMicros = learning.cost().perElementMillis() * 1000.0;
        writerUtilisation = utilisation;
    }

    void added(long n) {
        pending += n;
        pendingGauge = pending;
    }

    void flushed(long n) {
        pending = Math.max(0, pending - n);
        pendingGauge = pending;
    }

    long targetSize() {
        return targetSize;
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    double perCallMillis() {
        return perCallMillis;
    }

    double perElementMicros() {
        return perElementMicros;
    }

    long pendingCount() {
        return pendingGauge;
    }
}
