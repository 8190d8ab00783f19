package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.FlushPlan;
import io.dynbatch.triggers.policy.KeyLearning;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The metrics of an {@link AdaptiveBatchTrigger}: those of every batching trigger ({@link
 * BatchTriggerMetrics}) and, in the same group, gauges of the last plan the trigger made on this
 * subtask (for whichever key it was):
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
final class AdaptiveTriggerMetrics extends BatchTriggerMetrics {

    /*
     * Written on the task thread for every element, read by the metric reporter now and then. Six
     * volatile stores per element (a full fence each on x86) cost more than the rest of the
     * bookkeeping, so the fields are plain and published with one release store of a stamp, which
     * readers load with acquire semantics before the fields (a value may be one update behind).
     */
    private long targetSize;
    private long deadlineMillis;
    private double perCallMillis;
    private double perElementMicros;
    private double writerUtilisation;
    private long pending;
    @SuppressWarnings("unused") // accessed through STAMP
    private long stamp;

    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(AdaptiveTriggerMetrics.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    AdaptiveTriggerMetrics(MetricGroup operatorGroup, String scope) {
        super(operatorGroup, scope);
        MetricGroup group = group();
        group.gauge("targetSize", (Gauge<Long>) this::targetSize);
        group.gauge("deadlineMillis", (Gauge<Long>) this::deadlineMillis);
        group.gauge("costPerCallMillis", (Gauge<Double>) this::perCallMillis);
        group.gauge("costPerElementMicros", (Gauge<Double>) this::perElementMicros);
        group.gauge("writerUtilisation", (Gauge<Double>) () -> {
            acquire();
            return writerUtilisation;
        });
        group.gauge("pendingCount", (Gauge<Long>) this::pendingCount);
    }

    private void publish() {
        STAMP.setRelease(this, (long) STAMP.getOpaque(this) + 1);
    }

    private void acquire() {
        STAMP.getAcquire(this);
    }

    void planned(FlushPlan plan, long nowMillis, KeyLearning learning, double utilisation) {
        targetSize = plan.expectedSize();
        deadlineMillis = plan.deadlineMillis() - nowMillis;
        perCallMillis = learning.cost().perCallMillis();
        perElementMicros = learning.cost().perElementMillis() * 1000.0;
        writerUtilisation = utilisation;
        publish();
    }

    void added(long n) {
        pending += n;
        publish();
    }

    @Override
    public void recordFlush(FlushReason reason, long size) {
        super.recordFlush(reason, size);
        pending = Math.max(0, pending - size);
        publish();
    }

    long targetSize() {
        acquire();
        return targetSize;
    }

    long deadlineMillis() {
        acquire();
        return deadlineMillis;
    }

    double perCallMillis() {
        acquire();
        return perCallMillis;
    }

    double perElementMicros() {
        acquire();
        return perElementMicros;
    }

    long pendingCount() {
        acquire();
        return pending;
    }
}
