package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;

import java.util.EnumMap;
import java.util.Map;

/**
 * Discrete-event simulation of one subtask of the batching operator: one thread that, in order of
 * their nominal times, processes arriving events (each costs {@code perEventMillis}), fires its
 * shards' batch timers and, on every flush, writes the batch to the sink <em>synchronously</em>
 * (as the window function does in Flink). While it writes, nothing else happens on the subtask:
 * events wait upstream (backpressure, which ages them) and due timers of other shards wait
 * (head-of-line blocking). A timer or event whose time has passed is handled as soon as the thread
 * is free.
 *
 * <p>Deterministic: no wall clock, no threads; the same scenario, trace and arm always give the same
 * result.
 */
public final class SubtaskSimulator {

    private final Scenario scenario;
    private final ArrivalTrace trace;

    public SubtaskSimulator(Scenario scenario, ArrivalTrace trace) {
        this.scenario = scenario;
        this.trace = trace;
    }

    /** Runs {@code arm} over the whole trace and until every batch is committed. */
    public ArmResult run(Arm arm) {
        return new Run(arm).execute();
    }

    private final class Run {
        private final Arm arm;
        private final int shards = scenario.shards();
        private final SimBatch[] batches = new SimBatch[shards];
        private final long[] writes = new long[shards];
        private final LatencyRecorder latency;
        private final Map<FlushReason, Long> flushes = new EnumMap<>(FlushReason.class);
        private final Arm.Run decisions;
        private double now;
        private long transactions;
        private double dbMillis;
        private double rowDbMillis;

        Run(Arm arm) {
            this.arm = arm;
            for (int s = 0; s < shards; s++) {
                batches[s] = new SimBatch();
            }
            this.latency = new LatencyRecorder(-scenario.backlogMillis(), scenario.durationMillis(), scenario.sloMillis());
            this.decisions = arm.start(scenario, () -> (long) Math.floor(now));
        }

        ArmResult execute() {
            int next = 0;
            while (true) {
                int timerShard = -1;
                long timerDue = Long.MAX_VALUE;
                for (int s = 0; s < shards; s++) {
                    if (batches[s].state().hasTimer() && batches[s].state().timerMillis() < timerDue) {
                        timerDue = batches[s].state().timerMillis();
                        timerShard = s;
                    }
                }
                double available = next < trace.size() ? trace.availableMillis(next) : Double.POSITIVE_INFINITY;
                if (timerShard < 0 && next >= trace.size()) {
                    break;
                }
                if (timerShard >= 0 && timerDue <= available) {
                    now = Math.max(now, timerDue);
                    fireTimer(timerShard);
                } else {
                    now = Math.max(now, available);
                    process(trace.shard(next), trace.ingestMillis(next), trace.count(next));
                    next++;
                }
            }
            for (int s = 0; s < shards; s++) {
                if (batches[s].count() > 0) {
                    flush(s, FlushReason.END_OF_INPUT);
                }
            }
            long heldFrom = latency.sloHeldFromMillis();
            long p99 = latency.quantileMillis(0.99);
            boolean meets = scenario.isBacklog()
                    ? heldFrom <= scenario.durationMillis() - ArmResult.BACKLOG_STABLE_MILLIS
                    : p99 <= scenario.sloMillis();
            return new ArmResult(scenario.name(), arm.name(), arm.kind(), arm.maxSize(), arm.maxDelayMillis(),
                    latency.events(), transactions, dbMillis, rowDbMillis, latency.quantileMillis(0.5), p99, latency.maxMillis(),
                    latency.minutesMet(), latency.minutesTotal(), heldFrom, meets, flushes);
        }

        private void process(int shard, long ingest, long count) {
            long remaining = count;
            SimBatch batch = batches[shard];
            while (remaining > 0) {
                long take = Math.min(remaining, decisions.room(shard, batch));
                now += take * scenario.perEventMillis();
                long nowMillis = (long) Math.floor(now);
                batch.add(take, ingest, 0, nowMillis);
                remaining -= take;
                FlushReason reason = decisions.afterAdd(shard, batch, take, ingest);
                if (reason != null) {
                    flush(shard, reason);
                } else if (!batch.state().hasTimer()) {
                    throw new IllegalStateException(arm.name() + " left a batch of shard " + shard + " without a timer");
                }
            }
        }

        private void fireTimer(int shard) {
            FlushReason reason = decisions.onTimer(shard, batches[shard]);
            if (reason != null) {
                flush(shard, reason);
            }
        }

        private void flush(int shard, FlushReason reason) {
            SimBatch batch = batches[shard];
            long size = batch.count();
            double write = scenario.sink().writeMillis(shard, now, size, writes[shard]++);
            double commit = now + write;
            for (int g = 0; g < batch.groups(); g++) {
                latency.record(batch.groupIngest(g), commit, batch.groupCount(g));
            }
            now = commit;
            transactions++;
            dbMillis += write;
            rowDbMillis += write * scenario.sink().rowShare(size);
            flushes.merge(reason, 1L, Long::sum);
            batch.reset();
            decisions.onCommitted(shard, size, write);
        }
    }
}
