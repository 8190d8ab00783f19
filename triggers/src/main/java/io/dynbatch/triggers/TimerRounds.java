package io.dynbatch.triggers;

import java.util.TreeSet;

/**
 * The timer rounds the keys of one operator subtask have planned, for {@link
 * KeyJitter#alignedTo(java.time.Duration, java.time.Duration)}: a key that plans a timer joins the
 * latest round at most {@code join} before it that is still ahead, or plans a round of its own.
 * Rounds that have passed are forgotten; a round whose key moved its timer since stays until then
 * (a key that joins it fires a little early, alone). Not thread-safe: one per trigger instance.
 */
final class TimerRounds {

    private final TreeSet<Long> rounds = new TreeSet<>();

    /** The time to set a timer wanted at {@code aligned}, at {@code nowMillis}: a planned round or {@code aligned}. */
    long join(long aligned, long joinMillis, long nowMillis) {
        rounds.headSet(nowMillis, true).clear();
        Long round = rounds.floor(aligned);
        if (round != null && round >= aligned - joinMillis) {
            return round;
        }
        if (aligned > nowMillis) {
            rounds.add(aligned);
        }
        return aligned;
    }

    /** Planned rounds still ahead (or not yet forgotten). For tests. */
    int size() {
        return rounds.size();
    }
}
