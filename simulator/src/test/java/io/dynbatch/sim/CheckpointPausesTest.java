package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoint pauses in the simulator: they hold the subtask's thread as a write does, and the
 * adaptive policy does not spiral after one (what the job's A/B shows on two cores: the synchronous
 * part of every 10-s checkpoint holds the tasks for 200-480 ms).
 */
class CheckpointPausesTest {

    @Test
    void aPauseDelaysWhatIsDueDuringItByAtMostItsLength() {
        Scenario s = SubtaskSimulatorTest.steady(1, 1_000, 50, 0); // one shard, no lag, 50 ms per write
        ArrivalTrace trace = ArrivalTrace.generate(s);
        ArmResult plain = new SubtaskSimulator(s, trace, CommitModel.SHARD).run(new StaticArm(1_000_000, 500));
        ArmResult paused = new SubtaskSimulator(s, trace, CommitModel.SHARD, new CheckpointPauses(10_000, 300))
                .run(new StaticArm(1_000_000, 500));
        assertThat(paused.events()).isEqualTo(plain.events());
        // a batch due during a pause waits for its end: at most 300 ms (plus a write) later than without
        assertThat(paused.maxMillis()).isGreaterThan(plain.maxMillis()).isLessThanOrEqualTo(plain.maxMillis() + 300 + 50);
        assertThat(new SubtaskSimulator(s, trace, CommitModel.SHARD, CheckpointPauses.NONE)
                .run(new StaticArm(1_000_000, 500))).isEqualTo(plain);
    }

    @Test
    void pausesMustBeShorterThanTheirInterval() {
        assertThatThrownBy(() -> new CheckpointPauses(100, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckpointPauses(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CheckpointPauses.NONE.any()).isFalse();
        assertThat(new CheckpointPauses(10_000, 300)).hasToString("300 ms every 10000 ms");
    }

    /**
     * S5 (lag swinging up to 1.5 s) with a 300-ms pause every 10 s, the job's commit rounds: a pause
     * at the top of the swing leaves every batch's deadline in the past. Were a late batch to claim
     * the writer for a cycle of a few ms, both shards would claim all of it and flush batches of
     * 40-90 events back to back (p99 3.7 s, 9 of 15 minutes); claiming it as for a cycle of half the
     * SLO, adaptive stays within the SLO with far fewer transactions than the static setting that does.
     */
    @Test
    void adaptiveDoesNotSpiralAfterAPauseAtTheTopOfTheLagSwing() {
        Scenario s = Scenarios.lagSwings();
        ArrivalTrace trace = ArrivalTrace.generate(s);
        SubtaskSimulator simulator = new SubtaskSimulator(s, trace, Sweeps.ROUNDS, new CheckpointPauses(10_000, 300));
        ArmResult adaptive = simulator.run(Experiment.defaultAdaptive());
        ArmResult fresh = simulator.run(new StaticArm(2_500, 250));
        assertThat(adaptive.p99Millis()).isLessThanOrEqualTo(s.sloMillis());
        assertThat(adaptive.minutesMet()).isEqualTo(adaptive.minutesTotal());
        assertThat(adaptive.flushCount(FlushReason.BACKLOG)).isZero();
        assertThat(fresh.meetsSlo()).isTrue();
        assertThat(adaptive.transactionsPer1k()).isLessThan(0.5 * fresh.transactionsPer1k());
    }
}
