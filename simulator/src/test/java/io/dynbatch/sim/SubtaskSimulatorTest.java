package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's mechanics on small hand-checkable scenarios. */
class SubtaskSimulatorTest {

    /** {@code shards} shards at {@code perShardPerSecond} each, constant lag, noise-free sink. */
    static Scenario steady(int shards, double perShardPerSecond, double perCallMillis, long lagMillis) {
        double[] weights = new double[shards];
        java.util.Arrays.fill(weights, 1.0 / shards);
        return new Scenario("T", "test", 60_000, 0, weights, t -> perShardPerSecond * shards, t -> lagMillis,
                SinkModel.steady(perCallMillis, 0, 1e9, 0, 1), 0, 2_000, 9);
    }

    @Test
    void aStaticArmFlushesEveryDelayAndLatencyIsLagPlusDelayPlusWrite() {
        Scenario s = steady(1, 1_000, 50, 200);
        ArmResult r = new SubtaskSimulator(s, ArrivalTrace.generate(s)).run(new StaticArm(1_000_000, 500));
        // a batch is flushed 500 ms after its first element and committed 50 ms later
        assertThat(r.transactions()).isBetween(60_000L / 550 - 2, 60_000L / 550 + 2);
        assertThat(r.maxMillis()).isBetween(200L + 500 + 50, 200L + 500 + 50 + 60); // + waiting out a write
        assertThat(r.flushCount(FlushReason.MAX_DELAY)).isEqualTo(r.transactions());
        assertThat(r.meetsSlo()).isTrue();
        assertThat(r.events()).isEqualTo(ArrivalTrace.generate(s).events());
    }

    @Test
    void theThreadsLoadIsItsWritesAndPausesWithinTheRun() {
        // one minute, no per-event cost: the minute's busy time is the writes inside it, plus the pauses
        Scenario s = steady(1, 1_000, 50, 200);
        ArmResult plain = new SubtaskSimulator(s, ArrivalTrace.generate(s)).run(new StaticArm(1_000_000, 500));
        double writesInRun = plain.dbMillis() - 50; // the last batch is flushed at the end of input, after the minute
        assertThat(plain.peakWritePercent()).isEqualTo((int) Math.round(100 * writesInRun / 60_000));
        assertThat(plain.peakBusyPercent()).isEqualTo(plain.peakWritePercent());

        ArmResult paused = new SubtaskSimulator(s, ArrivalTrace.generate(s), CommitModel.SHARD,
                new CheckpointPauses(10_000, 600)).run(new StaticArm(1_000_000, 500));
        double pauses = 5 * 600; // at 10, 20, ..., 50 s
        assertThat(paused.peakBusyPercent())
                .isEqualTo((int) Math.round(100 * (paused.dbMillis() - 50 + pauses) / 60_000));
        assertThat(paused.peakWritePercent()).isLessThan(paused.peakBusyPercent());
    }

    @Test
    void aSizeLimitSplitsArrivalsExactly() {
        Scenario s = steady(1, 5_000, 5, 0);
        ArmResult r = new SubtaskSimulator(s, ArrivalTrace.generate(s)).run(new StaticArm(1_000, 10_000));
        assertThat(r.flushCount(FlushReason.SIZE)).isEqualTo(r.events() / 1_000);
        assertThat(r.transactions()).isEqualTo((r.events() + 999) / 1_000);
    }

    @Test
    void writesOfOneShardDelayTheOtherShardsTimers() {
        // two shards whose batches start together and come due together; 400 ms per write
        Scenario s = steady(2, 2_000, 400, 0);
        ArmResult one = new SubtaskSimulator(steady(1, 2_000, 400, 0), ArrivalTrace.generate(steady(1, 2_000, 400, 0)))
                .run(new StaticArm(1_000_000, 1_000));
        ArmResult two = new SubtaskSimulator(s, ArrivalTrace.generate(s)).run(new StaticArm(1_000_000, 1_000));
        // alone: 1000 + 400 (+ the events queued behind the own write); together: up to another 400 ms
        assertThat(one.maxMillis()).isLessThan(1_000 + 400 + 400 + 20);
        assertThat(two.maxMillis()).isGreaterThan(one.maxMillis() + 300);
    }

    @Test
    void theClairvoyantArmCommitsTheOldestEventExactlyAtTheSlo() {
        // one shard, constant lag and write time: every batch waits until SLO - lag - write
        Scenario s = steady(1, 1_000, 50, 200);
        ArmResult r = new SubtaskSimulator(s, ArrivalTrace.generate(s)).run(new ClairvoyantArm(1_000_000));
        assertThat(r.maxMillis()).isBetween(2_000L - 20, 2_000L);
        assertThat(r.meetsSlo()).isTrue();
        // a cycle is SLO - lag = 1800 ms (the write overlaps with the next batch's arrivals)
        assertThat(r.transactions()).isBetween(60_000L / 1_800 - 1, 60_000L / 1_800 + 2);
        assertThat(r.flushCount(FlushReason.LATENCY)).isEqualTo(r.transactions() - r.flushCount(FlushReason.END_OF_INPUT));
    }

    @Test
    void noStaticSettingMeetingTheSloUsesFewerTransactionsThanTheClairvoyantArm() {
        Scenario s = steady(1, 3_000, 30, 100);
        SubtaskSimulator sim = new SubtaskSimulator(s, ArrivalTrace.generate(s));
        long bound = sim.run(new ClairvoyantArm(1_000_000)).transactions();
        for (long delay = 100; delay <= 2_000; delay += 100) {
            ArmResult r = sim.run(new StaticArm(1_000_000, delay));
            if (r.meetsSlo()) {
                assertThat(r.transactions()).as("static delay %d ms", delay).isGreaterThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void isDeterministicAndEveryArmCommitsEveryEvent() {
        Scenario s = Scenarios.keySkew();
        ArrivalTrace trace = ArrivalTrace.generate(s);
        SubtaskSimulator sim = new SubtaskSimulator(s, trace);
        ArmResult a1 = sim.run(Experiment.defaultAdaptive());
        ArmResult a2 = sim.run(Experiment.defaultAdaptive());
        assertThat(a1).isEqualTo(a2);
        for (Arm arm : List.of(new StaticArm(1_000, 250), new StaticArm(50_000, 1_500), Experiment.defaultClairvoyant())) {
            assertThat(sim.run(arm).events()).isEqualTo(trace.events());
        }
        assertThat(a1.events()).isEqualTo(trace.events());
    }

    @Test
    void sinkModelCompactsAndSlowsDown() {
        SinkModel m = SinkModel.steady(25, 0.01, 20_000, 0, 1).withSlowdown(1_000, 2_000, 5);
        assertThat(m.rows(1)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(m.rows(20_000)).isCloseTo(20_000 * (1 - Math.exp(-1)), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(m.writeMillis(0, 0, 1_000, 0)).isCloseTo(25 + 0.01 * m.rows(1_000), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.writeMillis(0, 1_500, 1_000, 0)).isCloseTo(5 * (25 + 0.01 * m.rows(1_000)), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.rowShare(1_000)).isCloseTo(0.01 * m.rows(1_000) / (25 + 0.01 * m.rows(1_000)),
                org.assertj.core.api.Assertions.within(1e-12));
    }
}
