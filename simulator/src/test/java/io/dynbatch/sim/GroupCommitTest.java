package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Group commit in the simulator ({@link CommitModel}) on small hand-checkable scenarios. */
class GroupCommitTest {

    /** {@code shards} equal shards, constant lag, noise-free sink of {@code perCall} + {@code perRow} per row. */
    private static Scenario steady(int shards, double perShardPerSecond, double perCall, double perRow, long lag) {
        double[] weights = new double[shards];
        java.util.Arrays.fill(weights, 1.0 / shards);
        return new Scenario("T", "test", 60_000, 0, weights, t -> perShardPerSecond * shards, t -> lag,
                SinkModel.steady(perCall, perRow, 1e9, 0, 1), 0, 2_000, 9);
    }

    /** An arm that records what each shard is told about its commits. */
    private record Recording(Arm inner, List<double[]> commits) implements Arm {
        @Override public String name() { return inner.name(); }
        @Override public String kind() { return inner.kind(); }
        @Override public long maxSize() { return inner.maxSize(); }
        @Override public long maxDelayMillis() { return inner.maxDelayMillis(); }

        @Override
        public Run start(Scenario scenario, LongSupplier clock) {
            Run run = inner.start(scenario, clock);
            return new Run() {
                @Override public long room(int shard, SimBatch batch) { return run.room(shard, batch); }
                @Override public FlushReason afterAdd(int shard, SimBatch batch, long added, long ingest) {
                    return run.afterAdd(shard, batch, added, ingest);
                }
                @Override public FlushReason onTimer(int shard, SimBatch batch) { return run.onTimer(shard, batch); }
                @Override public void onCommitted(int shard, long size, double writeMillis) {
                    commits.add(new double[] {shard, size, writeMillis, clock.getAsLong()});
                    run.onCommitted(shard, size, writeMillis);
                }
            };
        }
    }

    @Test
    void shardModeIsTheDefault() {
        Scenario s = Scenarios.keySkew();
        ArrivalTrace trace = ArrivalTrace.generate(s);
        assertThat(new SubtaskSimulator(s, trace, CommitModel.SHARD).run(new StaticArm(5_000, 1_000)))
                .isEqualTo(new SubtaskSimulator(s, trace).run(new StaticArm(5_000, 1_000)));
    }

    @Test
    void batchesDueTogetherShareOneTransactionAndEachShardIsToldItsShareByRowsPlusOne() {
        // four shards whose batches come due on the same 1000 ms grid points: one transaction each
        Scenario s = steady(4, 500, 40, 0.1, 0);
        ArrivalTrace trace = ArrivalTrace.generate(s);
        List<double[]> told = new ArrayList<>();
        ArmResult shard = new SubtaskSimulator(s, trace).run(new StaticArm(1_000_000, 1_000));
        ArmResult group = new SubtaskSimulator(s, trace, CommitModel.group(1_000))
                .run(new Recording(new StaticArm(1_000_000, 1_000), told));
        assertThat(group.events()).isEqualTo(trace.events());
        assertThat(shard.transactions()).isGreaterThan(2 * group.transactions());
        long batches = group.flushes().values().stream().mapToLong(Long::longValue).sum();
        assertThat(batches).isGreaterThanOrEqualTo(4 * group.transactions() - 4);
        // a transaction costs one call plus every batch's rows; its time is split by rows + 1
        double[] a = told.get(4);
        double[] b = told.get(5);
        double[] c = told.get(6);
        double[] d = told.get(7);
        assertThat(a[3]).isEqualTo(d[3]); // told after the same commit
        SinkModel sink = s.sink();
        double rows = sink.rows((long) a[1]) + sink.rows((long) b[1]) + sink.rows((long) c[1]) + sink.rows((long) d[1]);
        double write = 40 + 0.1 * rows;
        assertThat(a[2] + b[2] + c[2] + d[2]).isCloseTo(write, within(1e-9));
        assertThat(a[2]).isCloseTo(write * (sink.rows((long) a[1]) + 1) / (rows + 4), within(1e-9));
        assertThat(group.dbMillis() / group.transactions()).isLessThan(shard.dbMillis() / shard.transactions() * 4);
    }

    @Test
    void aGridFiresTimersEarlyNeverLate() {
        // one shard, delay 1300 ms on a 500 ms grid: the timer fires at the grid point below
        Scenario s = steady(1, 1_000, 10, 0, 100);
        ArrivalTrace trace = ArrivalTrace.generate(s);
        ArmResult plain = new SubtaskSimulator(s, trace, CommitModel.group(0)).run(new StaticArm(1_000_000, 1_300));
        ArmResult grid = new SubtaskSimulator(s, trace, CommitModel.group(500)).run(new StaticArm(1_000_000, 1_300));
        assertThat(plain.maxMillis()).isBetween(100L + 1_300 + 10, 100L + 1_300 + 10 + 15);
        assertThat(grid.maxMillis()).isLessThanOrEqualTo(plain.maxMillis());
        assertThat(grid.maxMillis()).isGreaterThan(100L + 800 + 10);
        assertThat(grid.transactions()).isGreaterThan(plain.transactions());
    }

    @Test
    void aJoinWindowTakesTheBatchesDueSoonIntoTheRound() {
        // 16 shards at 20 events/s each: their batches start, and come due, at scattered times
        Scenario s = steady(16, 20, 25, 0.01, 100);
        ArrivalTrace trace = ArrivalTrace.generate(s);
        Arm arm = new StaticArm(1_000_000, 1_000);
        ArmResult sameInstant = new SubtaskSimulator(s, trace, CommitModel.group(0)).run(arm);
        ArmResult joined = new SubtaskSimulator(s, trace, CommitModel.group(0, 1_000)).run(arm);
        assertThat(joined.transactions()).isLessThan(sameInstant.transactions() / 4);
        assertThat(joined.maxMillis()).isLessThanOrEqualTo(sameInstant.maxMillis());
        assertThat(joined.events()).isEqualTo(trace.events());
    }

    @Test
    void commitModelsAreChecked() {
        assertThat(CommitModel.Mode.of("group")).isEqualTo(CommitModel.Mode.GROUP);
        assertThat(CommitModel.group(100).fireMillis(1_299)).isEqualTo(1_200);
        assertThat(CommitModel.group(0).fireMillis(1_299)).isEqualTo(1_299);
        assertThatThrownBy(() -> CommitModel.Mode.of("batch")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommitModel(CommitModel.Mode.SHARD, 100, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommitModel.group(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
