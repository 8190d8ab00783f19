package io.dynbatch.triggers.policy;

import io.dynbatch.triggers.FlushReason;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared decision step: flush (with a reason), arm a timer, or keep it. */
class FlushDeciderTest {

    private long now = 1_000_000;
    private final AdaptivePolicyConfig config = AdaptivePolicyConfig.builder().maxSize(3).build();
    private final FlushDecider decider = new FlushDecider(new AdaptivePolicy(config));

    @Test
    void armsATimerAtTheDeadlineThenKeepsItWhileThePlanMovesLessThanTheTolerance() {
        KeyLearning k = decider.policy().newKeyLearning();
        PendingBatch batch = new PendingBatch();
        batch.add(1, now, 0, now);
        FlushDecision first = decider.afterAdd(k, batch, 1, now, 0, 0, now);
        assertThat(first.action()).isEqualTo(FlushDecision.Action.ARM);
        assertThat(first.timerMillis()).isEqualTo(first.plan().deadlineMillis()).isGreaterThan(now);
        batch.setTimer(first.timerMillis(), first.bound());

        now += 1;
        batch.add(1, now, 0, now);
        assertThat(decider.afterAdd(k, batch, 1, now, 0, 0, now).action()).isEqualTo(FlushDecision.Action.KEEP);
        // jitter moves the timer earlier by more than the tolerance: re-armed
        FlushDecision jittered = decider.afterAdd(k, batch, 0, now, 0, 50, now);
        assertThat(jittered.action()).isEqualTo(FlushDecision.Action.ARM);
        assertThat(jittered.timerMillis()).isEqualTo(jittered.plan().deadlineMillis() - 50);
    }

    @Test
    void flushesOnSizeAndWhenTheDeadlinePassedAndWhenTheTimerFiresEndingTheCycle() {
        KeyLearning k = decider.policy().newKeyLearning();
        PendingBatch full = new PendingBatch();
        full.add(3, now, 0, now);
        FlushDecision size = decider.afterAdd(k, full, 3, now, 0, 0, now);
        assertThat(size.reason()).isEqualTo(FlushReason.SIZE);
        assertThat(k.lastFlushMillis()).isEqualTo(now);

        PendingBatch old = new PendingBatch();
        old.add(1, now - 5_000, 0, now - 2_000); // first arrived maxDelay ago: hard cap
        FlushDecision late = decider.afterAdd(k, old, 1, now - 5_000, 0, 0, now);
        assertThat(late.reason()).isEqualTo(FlushReason.MAX_DELAY);

        now += 500;
        PendingBatch timed = new PendingBatch();
        timed.add(1, now - 100, 0, now - 100);
        timed.setTimer(now - 40, FlushPlan.Bound.LATENCY);
        FlushDecision fired = decider.onTimer(k, timed, now);
        assertThat(fired.reason()).isEqualTo(FlushReason.LATENCY);
        assertThat(fired.plan()).isNull();
        assertThat(k.timerLagTailMillis()).isEqualTo(40);
        assertThat(k.lastFlushMillis()).isEqualTo(now);
    }

    @Test
    void atItsSizeCapABatchFlushesForSizeOrForTheMemoryCap() {
        FlushDecider d = new FlushDecider(new AdaptivePolicy(
                AdaptivePolicyConfig.builder().maxSize(10).maxPendingBytes(1_000).build()));
        KeyLearning k = d.policy().newKeyLearning();
        PendingBatch heavy = new PendingBatch();
        heavy.add(3, now, 900, now); // 300 bytes each: no room for one more below maxPendingBytes
        assertThat(d.policy().sizeCap(heavy)).isEqualTo(3).isLessThan(10);
        assertThat(d.afterAdd(k, heavy, 3, now, 0, 0, now).reason()).isEqualTo(FlushReason.MEMORY_CAP);
        assertThat(d.atSizeCap(k, heavy, now).reason()).isEqualTo(FlushReason.MEMORY_CAP);

        PendingBatch full = new PendingBatch();
        full.add(10, now, 100, now);
        assertThat(d.afterAdd(k, full, 10, now, 0, 0, now).reason()).isEqualTo(FlushReason.SIZE);
        assertThat(d.atSizeCap(k, full, now).reason()).isEqualTo(FlushReason.SIZE);
    }

    @Test
    void aDueDeadlineFlushesForTheBoundThatSetIt() {
        KeyLearning k = decider.policy().newKeyLearning();
        for (FlushPlan.Bound bound : FlushPlan.Bound.values()) {
            PendingBatch timed = new PendingBatch();
            timed.add(1, now, 0, now);
            timed.setTimer(now, bound);
            FlushReason reason = decider.onTimer(k, timed, now).reason();
            assertThat(reason).isEqualTo(FlushReason.atDeadline(bound));
            assertThat(reason.label()).isEqualTo(bound.name().toLowerCase(java.util.Locale.ROOT));
        }
        // an element that finds its batch already ten minutes old flushes as the backlog drain does
        KeyLearning late = decider.policy().newKeyLearning();
        PendingBatch old = new PendingBatch();
        old.add(1, now - 600_000, 0, now - 2_000);
        assertThat(decider.afterAdd(late, old, 1, now - 600_000, 0, 0, now).reason()).isEqualTo(FlushReason.BACKLOG);
    }

    @Test
    void onlyAFlushHasAReason() {
        assertThatThrownBy(() -> new FlushDecision(FlushDecision.Action.KEEP, FlushReason.SIZE, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlushDecision(FlushDecision.Action.FLUSH, null, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
