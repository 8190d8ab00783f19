package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.PendingBatch;

import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AdaptiveBatchTrigger#withFlushTarget()}: on every path that fires a batch, the target left for
 * the window function ({@link FlushTarget}) holds why it fired and the size, deadline and write time
 * the batch's last plan expected.
 */
class AdaptiveBatchTriggerFlushTargetTest {

    private static final GlobalWindow WINDOW = AdaptiveTriggerHarness.WINDOW;
    private static final long START = 1_000_000L;
    private static final int PLANNED_SIZE_SLOT = PendingBatch.STATE_SIZE + 2;

    private static final class Harness extends AdaptiveTriggerHarness {
        Harness(AdaptiveBatchTrigger<String, GlobalWindow> trigger) throws Exception {
            super(trigger, START);
        }

        /** The size the last plan expected, as stored in the pending batch's state. */
        long plannedSize() throws Exception {
            return batchState()[PLANNED_SIZE_SLOT];
        }

        /** The deadline the last plan set, as stored in the pending batch's state. */
        long plannedDeadline() throws Exception {
            return batchState()[PLANNED_SIZE_SLOT + 1];
        }

        /** The write time the last plan predicted, as stored in the pending batch's state. */
        double predictedWrite() throws Exception {
            return Double.longBitsToDouble(batchState()[PLANNED_SIZE_SLOT + 2]);
        }
    }

    private static AdaptiveBatchTrigger<String, GlobalWindow> trigger(long maxSize) {
        return AdaptiveBatchTrigger.<String, GlobalWindow>of(AdaptivePolicyConfig.builder().maxSize(maxSize).build())
                .withFlushTarget();
    }

    @Test
    void aBatchFiredByItsTimerLeavesTheSizeItsLastPlanExpected() throws Exception {
        Harness h = new Harness(trigger(50_000));
        for (int i = 0; i < 20; i++) { // a steady arrival rate, so the plan expects more than it has
            h.advanceProcessingTime(START + i * 10L);
            h.add(START + i * 10L);
        }
        long planned = h.plannedSize();
        long deadline = h.plannedDeadline();
        double predicted = h.predictedWrite();
        assertThat(planned).isGreaterThan(20);
        assertThat(deadline).isGreaterThan(START + 190);
        assertThat(predicted).isPositive();
        assertThat(h.flushTarget()).isNull();

        assertThat(h.advanceProcessingTime(START + 10_000)).hasSize(1);
        assertThat(h.flushTarget()).isEqualTo(new FlushTarget(FlushReason.LATENCY, planned, deadline, predicted));
    }

    @Test
    void aBatchFiredOnSizeLeavesThePlannedSizeOnBothElementPaths() throws Exception {
        // planned path: each element in its own millisecond is planned; the plan expects the cap
        Harness planned = new Harness(trigger(3));
        planned.add(START);
        planned.advanceProcessingTime(START + 1);
        planned.add(START + 1);
        planned.advanceProcessingTime(START + 2);
        assertThat(planned.add(START + 2)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(planned.flushTarget().plannedSize()).isEqualTo(3);
        assertThat(planned.flushTarget().reason()).isEqualTo(FlushReason.SIZE);

        // quiet path: elements of the plan's millisecond are only counted; the stored plan stands
        Harness quiet = new Harness(trigger(3));
        quiet.add(START);
        quiet.add(START);
        long stored = quiet.plannedSize();
        long storedDeadline = quiet.plannedDeadline();
        assertThat(quiet.add(START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(quiet.flushTarget().plannedSize()).isEqualTo(stored);
        assertThat(quiet.flushTarget().plannedDeadlineMillis()).isEqualTo(storedDeadline);
        assertThat(quiet.flushTarget().reason()).isEqualTo(FlushReason.SIZE);
    }

    @Test
    void aBatchFlushedAtEndOfInputLeavesThePlannedSize() throws Exception {
        Harness h = new Harness(trigger(50_000));
        h.add(START);
        long planned = h.plannedSize();
        assertThat(h.advanceWatermark(Long.MAX_VALUE)).hasSize(1);
        assertThat(h.flushTarget().plannedSize()).isEqualTo(planned);
        assertThat(h.flushTarget().reason()).isEqualTo(FlushReason.END_OF_INPUT);
        assertThat(h.flushTarget().predictedWriteMillis()).isPositive();
    }

    @Test
    void withoutWithFlushTargetNothingIsLeft() throws Exception {
        Harness h = new Harness(AdaptiveBatchTrigger.of(AdaptivePolicyConfig.builder().maxSize(2).build()));
        h.add(START);
        assertThat(h.add(START)).isEqualTo(TriggerResult.FIRE_AND_PURGE);
        assertThat(h.flushTarget()).isNull();
    }

    @Test
    void clearRemovesAnUntakenTarget() throws Exception {
        Harness h = new Harness(trigger(2));
        h.add(START);
        h.add(START);
        assertThat(h.flushTarget()).isNotNull();
        h.clearTriggerState(WINDOW);
        assertThat(h.flushTarget()).isNull();
        assertThat(h.numStateEntries()).isZero();
    }
}
