package io.dynbatch.sim;

/**
 * The pauses a checkpoint puts on the simulated subtask's thread: every {@code intervalMillis},
 * starting one interval after time 0, the thread is busy for {@code pauseMillis} (the synchronous
 * part of the snapshot, and on a machine with few cores the other tasks snapshotting at the same
 * barrier). While it is paused, events wait upstream and due timers fire late, as during a write.
 *
 * <p>The job's A/B benchmark shows such pauses of 200-480 ms every 10 s on two cores; {@link
 * #NONE} (the default) leaves them out, as the committed simulator results do.
 *
 * @param intervalMillis the checkpoint interval (ms); 0 = no pauses
 * @param pauseMillis how long each pause holds the thread (ms)
 */
public record CheckpointPauses(long intervalMillis, long pauseMillis) {

    /** No checkpoint pauses. */
    public static final CheckpointPauses NONE = new CheckpointPauses(0, 0);

    public CheckpointPauses {
        if (intervalMillis < 0 || pauseMillis < 0 || (intervalMillis > 0 && pauseMillis >= intervalMillis)) {
            throw new IllegalArgumentException(
                    "bad checkpoint pauses: every " + intervalMillis + " ms for " + pauseMillis + " ms");
        }
    }

    /** Whether there are pauses at all. */
    public boolean any() {
        return intervalMillis > 0 && pauseMillis > 0;
    }

    /** The first pause's start (ms), or {@link Double#POSITIVE_INFINITY} without pauses. */
    double first() {
        return any() ? intervalMillis : Double.POSITIVE_INFINITY;
    }

    @Override
    public String toString() {
        return any() ? pauseMillis + " ms every " + intervalMillis + " ms" : "none";
    }
}
