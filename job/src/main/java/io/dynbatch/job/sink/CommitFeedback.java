package io.dynbatch.job.sink;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write costs a subtask's committer charged to each key, waiting for that key's window function
 * to hand them to its trigger's cost model (window state, where the trigger reads it). The committer
 * and the window function are two operators of one chained task, so they meet through this board,
 * registered per job, arm, subtask and attempt (the same pattern as Flink's own iteration head and
 * tail meeting through a broker). A key's feedback is delivered with its next firing, one batch
 * late, which the trigger's learning tolerates (it averages over batches). Used by one task thread.
 */
final class CommitFeedback {

    private static final Map<String, CommitFeedback> BOARDS = new ConcurrentHashMap<>();

    /**
     * Events written, write time charged and how long the batches waited for the rest of their
     * transactions, since the key's last delivery (usually one batch; several when the key fired
     * again before its next firing picked the charge up).
     */
    static final class Charge {
        long events;
        long nanos;
        long batches;
        long waitNanos;

        /**
         * The time of a transaction as the key's batches saw it on average: their summed write
         * shares plus the mean wait of one batch, so a delivery of several batches is not read as
         * one batch that waited for all of their transactions.
         */
        long transactionNanos() {
            return nanos + (batches == 0 ? 0 : waitNanos / batches);
        }
    }

    private final Map<String, Charge> byKey = new HashMap<>();

    /** The board of one task (created on first use by either side). */
    static CommitFeedback of(String task) {
        return BOARDS.computeIfAbsent(task, t -> new CommitFeedback());
    }

    /** Drops the task's board (either side's close; the other side's reference stays usable). */
    static void release(String task) {
        BOARDS.remove(task);
    }

    /**
     * The committer charges {@code nanos} of write time for {@code events} events of the key, written
     * in a transaction that took {@code transactionNanos} (>= nanos) to commit.
     */
    void charge(String keyLabel, long events, long nanos, long transactionNanos) {
        Charge c = byKey.computeIfAbsent(keyLabel, k -> new Charge());
        c.events += events;
        c.nanos += nanos;
        c.batches++;
        c.waitNanos += Math.max(0, transactionNanos - nanos);
    }

    /** What was charged to the key since the last call, or null. */
    Charge take(String keyLabel) {
        return byKey.remove(keyLabel);
    }
}
