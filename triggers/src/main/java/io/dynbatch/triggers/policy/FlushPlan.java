package io.dynbatch.triggers.policy;

/**
 * What the {@link AdaptivePolicy} wants for one key's pending batch: flush as soon as it holds
 * {@code flushAtSize} elements, and in any case at {@code deadlineMillis} (processing time; a
 * deadline at or before now means: flush now).
 *
 * @param flushAtSize flush when the batch reaches this many elements (the size and memory caps)
 * @param deadlineMillis flush at this time at the latest
 * @param expectedSize the batch size expected at the deadline at the current arrival rate, capped
 * @param predictedWriteMillis predicted write time of a batch of {@code expectedSize}
 * @param bound which constraint set the deadline
 */
public record FlushPlan(
        long flushAtSize, long deadlineMillis, long expectedSize, double predictedWriteMillis, Bound bound) {

    /** The constraint that decided a plan's deadline. */
    public enum Bound {
        /** The latency budget: ingest of the oldest element + SLO - predicted write - margin. */
        LATENCY,
        /** The writer-utilisation floor: batches must not be so small that the writer saturates. */
        UTILISATION,
        /** The hard maxDelay cap from the batch's first element. */
        MAX_DELAY,
        /** Backlog mode: elements arrive already older than the SLO; drain with maximal batches. */
        BACKLOG;

        /** True if the deadline is the hard maxDelay cap rather than the policy's own choice. */
        public boolean isHardCap() {
            return this == MAX_DELAY || this == BACKLOG;
        }
    }
}
