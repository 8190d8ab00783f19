package io.dynbatch.triggers;

import java.io.Serializable;

/**
 * Estimates how many bytes an element adds to a pending batch, for the {@link AdaptiveBatchTrigger}'s
 * memory cap. Must be cheap and deterministic.
 *
 * @param <T> element type
 */
@FunctionalInterface
public interface ElementWeigher<T> extends Serializable {

    /** Estimated bytes of {@code element}; negative values count as 0. */
    long bytes(T element);
}
