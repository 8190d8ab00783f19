package io.dynbatch.sim;

import java.util.Locale;

/**
 * How the simulated subtask turns its shards' flushed batches into transactions.
 *
 * <ul>
 *   <li>{@link Mode#SHARD}: every shard batch is its own transaction ({@code perCall + perRow *
 *       rows}), as when every shard is its own window, trigger and write.
 *   <li>{@link Mode#GROUP}: group commit per subtask. When the thread flushes a batch (a timer
 *       fired or a size cap was reached), every other shard whose timer is due by then (the same
 *       instant, or earlier while the thread was busy) is flushed with it, and all of them are
 *       written in <em>one</em> transaction: one call, the rows of all ({@link
 *       SinkModel#groupWriteMillis}). Every event still commits when its transaction does; each
 *       shard's trigger is told its batch's share of the write time, by {@code rows + 1} (its rows
 *       and a share of the call, as the job's {@code BatchCommitter} attributes it).
 *       With {@code gridMillis > 0} the shards' timers are aligned to a grid: a timer set for
 *       {@code t} fires at {@code t} rounded down to a multiple of the grid, so deadlines in the
 *       same grid cell fire, and commit, together (at most one cell early, never late). With
 *       {@code joinMillis > 0} a round also takes every batch whose timer would fire within
 *       {@code joinMillis} after it: those batches are flushed up to that much early, in the same
 *       transaction, instead of opening a round of their own a little later.
 * </ul>
 *
 * @param mode shard or group
 * @param gridMillis group mode: the timer grid (ms); 0 = timers not aligned
 * @param joinMillis group mode: a round also takes the batches due within this long after it (ms)
 */
public record CommitModel(Mode mode, long gridMillis, long joinMillis) {

    /** One transaction per shard batch, or per group of batches due together. */
    public enum Mode {
        SHARD,
        GROUP;

        /** {@code shard} or {@code group}, as in tables and options. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode labelled {@code label} ({@code shard} or {@code group}). */
        public static Mode of(String label) {
            for (Mode m : values()) {
                if (m.label().equals(label)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("commit mode must be shard or group, got " + label);
        }
    }

    /** Today's model: one transaction per shard batch. */
    public static final CommitModel SHARD = new CommitModel(Mode.SHARD, 0, 0);

    public CommitModel {
        if (mode == null || gridMillis < 0 || joinMillis < 0
                || (mode == Mode.SHARD && (gridMillis != 0 || joinMillis != 0))) {
            throw new IllegalArgumentException(
                    "bad commit model: " + mode + ", grid " + gridMillis + " ms, join " + joinMillis + " ms");
        }
    }

    /** Group commit, timers aligned to {@code gridMillis} (0: not aligned), rounds joined by nothing early. */
    public static CommitModel group(long gridMillis) {
        return new CommitModel(Mode.GROUP, gridMillis, 0);
    }

    /** Group commit, timers aligned to {@code gridMillis}, rounds taking the batches due within {@code joinMillis}. */
    public static CommitModel group(long gridMillis, long joinMillis) {
        return new CommitModel(Mode.GROUP, gridMillis, joinMillis);
    }

    public boolean isGroup() {
        return mode == Mode.GROUP;
    }

    /** When a timer set for {@code timerMillis} fires: rounded down to the grid, if any. */
    public long fireMillis(long timerMillis) {
        return gridMillis > 0 ? Math.floorDiv(timerMillis, gridMillis) * gridMillis : timerMillis;
    }

    @Override
    public String toString() {
        return isGroup() ? "group (grid " + gridMillis + " ms, join " + joinMillis + " ms)" : mode.label();
    }
}
