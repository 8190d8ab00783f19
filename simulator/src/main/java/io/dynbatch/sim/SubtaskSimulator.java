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
 * <p>How flushed batches become transactions is the {@link CommitModel}: one per shard batch
 * (default), or one per group of batches flushed together (group commit, optionally with the
 * shards' timers aligned to a grid). {@link CheckpointPauses} (none by default) hold the thread
 * periodically, as a checkpoint's synchronous part does.
 *
 * <p>Deterministic: no wall clock, no threads; the same scenario, trace and arm always give the same
 * result.
 */
public final class SubtaskSimulator {

    private final Scenario scenario;
    private final ArrivalTrace trace;
    private final CommitModel commit;
    private final CheckpointPauses pauses;

    /** One transaction per shard batch ({@link CommitModel#SHARD}). */
    public SubtaskSimulator(Scenario scenario, ArrivalTrace trace) {
        this(scenario, trace, CommitModel.SHARD);
    }

    /** Batches turned into transactions as {@code commit} says (per shard batch, or grouped). */
    public SubtaskSimulator(Scenario scenario, ArrivalTrace trace, CommitModel commit) {
        this(scenario, trace, commit, CheckpointPauses.NONE);
    }

    /** As above, with the thread held by {@code pauses} every checkpoint interval. */
    public SubtaskSimulator(Scenario scenario, ArrivalTrace trace, CommitModel commit, CheckpointPauses pauses) {
        this.scenario = scenario;
        this.trace = trace;
        this.commit = java.util.Objects.requireNonNull(commit, "commit");
        this.pauses = java.util.Objects.requireNonNull(pauses, "pauses");
    }

    public CommitModel commit() {
        return commit;
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
        private final ThreadLoad load = new ThreadLoad(scenario.durationMillis());
        private final Map<FlushReason, Long> flushes = new EnumMap<>(FlushReason.class);
        private final Arm.Run decisions;
        private double now;
        private long transactions;
        private double dbMillis;
        private double rowDbMillis;
        private long groupWrites;
        private final int[] members = new int[shards];
        private final FlushReason[] memberReasons = new FlushReason[shards];
        /** Group mode: the shard's arm declined an aligned (early) firing; its timer fires unaligned. */
        private final boolean[] unaligned = new boolean[shards];
        /** The earliest timer, kept between events: any flush or firing marks it stale. */
        private int nextTimerShard = -1;
        private long nextTimerDue = Long.MAX_VALUE;
        private boolean timerStale = true;
        /** When the next checkpoint pause starts. */
        private double nextPause = pauses.first();

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
                if (timerStale) {
                    findNextTimer();
                }
                int timerShard = nextTimerShard;
                long timerDue = nextTimerDue;
                double available = next < trace.size() ? trace.availableMillis(next) : Double.POSITIVE_INFINITY;
                if (timerShard < 0 && next >= trace.size()) {
                    break;
                }
                double due = timerShard >= 0 ? Math.min(timerDue, available) : available;
                if (nextPause <= Math.max(now, due)) { // a checkpoint holds the thread first
                    double pauseStart = Math.max(now, nextPause);
                    load.busy(pauseStart, pauses.pauseMillis());
                    now = pauseStart + pauses.pauseMillis();
                    while (nextPause <= now) {
                        nextPause += pauses.intervalMillis();
                    }
                    continue;
                }
                if (timerShard >= 0 && timerDue <= available) {
                    now = Math.max(now, timerDue);
                    fireTimer(timerShard);
                    timerStale = true;
                } else {
                    now = Math.max(now, available);
                    int shard = trace.shard(next);
                    process(shard, trace.ingestMillis(next), trace.count(next));
                    timerMoved(shard);
                    next++;
                }
            }
            if (commit.isGroup()) {
                int n = 0;
                for (int s = 0; s < shards; s++) {
                    if (batches[s].count() > 0) {
                        members[n] = s;
                        memberReasons[n++] = FlushReason.END_OF_INPUT;
                    }
                }
                if (n > 0) {
                    flushGroup(n);
                }
            } else {
                for (int s = 0; s < shards; s++) {
                    if (batches[s].count() > 0) {
                        flush(s, FlushReason.END_OF_INPUT);
                    }
                }
            }
            long heldFrom = latency.sloHeldFromMillis();
            long p99 = latency.quantileMillis(0.99);
            boolean meets = scenario.isBacklog()
                    ? heldFrom <= scenario.durationMillis() - ArmResult.BACKLOG_STABLE_MILLIS
                    : p99 <= scenario.sloMillis();
            return new ArmResult(scenario.name(), arm.name(), arm.kind(), arm.maxSize(), arm.maxDelayMillis(),
                    latency.events(), transactions, dbMillis, rowDbMillis, latency.quantileMillis(0.5), p99, latency.maxMillis(),
                    latency.minutesMet(), latency.minutesTotal(), heldFrom, meets, flushes, load.peakBusyPercent(),
                    load.peakWritePercent());
        }

        private void process(int shard, long ingest, long count) {
            long remaining = count;
            SimBatch batch = batches[shard];
            while (remaining > 0) {
                long take = Math.min(remaining, decisions.room(shard, batch));
                double work = take * scenario.perEventMillis();
                load.busy(now, work);
                now += work;
                long nowMillis = (long) Math.floor(now);
                batch.add(take, ingest, 0, nowMillis);
                remaining -= take;
                FlushReason reason = decisions.afterAdd(shard, batch, take, ingest);
                if (reason != null && commit.isGroup()) {
                    groupRound(shard, reason);
                } else if (reason != null) {
                    flush(shard, reason);
                } else if (!batch.state().hasTimer()) {
                    throw new IllegalStateException(arm.name() + " left a batch of shard " + shard + " without a timer");
                }
            }
        }

        /** The earliest timer (the lowest shard among equals), by a scan of all shards. */
        private void findNextTimer() {
            nextTimerShard = -1;
            nextTimerDue = Long.MAX_VALUE;
            for (int s = 0; s < shards; s++) {
                if (batches[s].state().hasTimer() && fireMillis(s) < nextTimerDue) {
                    nextTimerDue = fireMillis(s);
                    nextTimerShard = s;
                }
            }
            timerStale = false;
        }

        /** Only {@code shard}'s timer may have changed (arrivals, no flush): the earliest, updated without a scan. */
        private void timerMoved(int shard) {
            if (timerStale) {
                return;
            }
            if (shard == nextTimerShard) {
                timerStale = true;
                return;
            }
            if (batches[shard].state().hasTimer()) {
                long due = fireMillis(shard);
                if (due < nextTimerDue || (due == nextTimerDue && shard < nextTimerShard)) {
                    nextTimerDue = due;
                    nextTimerShard = shard;
                }
            }
        }

        /** When {@code shard}'s timer fires (its set time, aligned to the grid in group mode). */
        private long fireMillis(int shard) {
            long timer = batches[shard].state().timerMillis();
            return unaligned[shard] ? timer : commit.fireMillis(timer);
        }

        private void fireTimer(int shard) {
            FlushReason reason = decisions.onTimer(shard, batches[shard]);
            if (commit.isGroup()) {
                groupRound(shard, reason);
            } else if (reason != null) {
                flush(shard, reason);
            }
        }

        /**
         * Group mode: {@code shard} flushes for {@code reason} (or, if null, its timer re-armed); every
         * other shard whose timer is due by now, or within the join window after now, fires in the
         * same round, and all batches flushed in it are written in one transaction.
         */
        private void groupRound(int shard, FlushReason reason) {
            int n = 0;
            if (reason != null) {
                members[n] = shard;
                memberReasons[n++] = reason;
            } else {
                unaligned[shard] = true;
            }
            double joinUntil = now + commit.joinMillis();
            for (int s = 0; s < shards; s++) {
                if (s != shard && batches[s].count() > 0 && batches[s].state().hasTimer() && fireMillis(s) <= joinUntil) {
                    boolean due = fireMillis(s) <= now;
                    FlushReason r = decisions.onTimer(s, batches[s]);
                    if (r != null) {
                        members[n] = s;
                        memberReasons[n++] = r;
                    } else if (due) {
                        unaligned[s] = true;
                    }
                }
            }
            if (n > 0) {
                flushGroup(n);
            }
        }

        /**
         * Writes the batches of {@code members[0..n)} in one transaction: one call plus all their
         * rows. Every event commits when the transaction does; each shard is told its share of the
         * write time by {@code rows + 1}.
         */
        private void flushGroup(int n) {
            timerStale = true;
            SinkModel sink = scenario.sink();
            long[] sizes = new long[n];
            double[] rows = new double[n];
            double totalRows = 0;
            for (int i = 0; i < n; i++) {
                sizes[i] = batches[members[i]].count();
                rows[i] = sink.rows(sizes[i]);
                totalRows += rows[i];
            }
            double write = sink.groupWriteMillis(now, totalRows, groupWrites++);
            double commitAt = now + write;
            for (int i = 0; i < n; i++) {
                SimBatch batch = batches[members[i]];
                for (int g = 0; g < batch.groups(); g++) {
                    latency.record(batch.groupIngest(g), commitAt, batch.groupCount(g));
                }
                flushes.merge(memberReasons[i], 1L, Long::sum);
                batch.reset();
                unaligned[members[i]] = false;
            }
            load.write(now, write);
            now = commitAt;
            transactions++;
            dbMillis += write;
            rowDbMillis += write * sink.rowShareOfRows(totalRows);
            for (int i = 0; i < n; i++) {
                decisions.onCommitted(members[i], sizes[i], write * (rows[i] + 1) / (totalRows + n), write);
            }
        }

        private void flush(int shard, FlushReason reason) {
            timerStale = true;
            SimBatch batch = batches[shard];
            long size = batch.count();
            double write = scenario.sink().writeMillis(shard, now, size, writes[shard]++);
            double commit = now + write;
            for (int g = 0; g < batch.groups(); g++) {
                latency.record(batch.groupIngest(g), commit, batch.groupCount(g));
            }
            load.write(now, write);
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
