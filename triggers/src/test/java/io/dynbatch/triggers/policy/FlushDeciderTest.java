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
        assertThat(late.reason()).isEqualTo(FlushReason.TIME);

        now += 500;
        PendingBatch timed = new PendingBatch();
        timed.add(1, now - 100, 0, now - 100);
        timed.setTimer(now - 40, FlushPlan.Bound.LATENCY);
        FlushDecision fired = decider.onTimer(k, timed, now);
        assertThat(fired.reason()).isEqualTo(FlushReason.ADAPTIVE);
        assertThat(fired.plan()).isNull();
        assertThat(k.timerLagTailMillis()).isEqualTo(40);
        assertThat(k.lastFlushMillis()).isEqualTo(now);
    }

    @Test
    void onlyAFlushHasAReason() {
        assertThatThrownBy(() -> new FlushDecision(FlushDecision.Action.KEEP, FlushReason.SIZE, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlushDecision(FlushDecision.Action.FLUSH, null, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
