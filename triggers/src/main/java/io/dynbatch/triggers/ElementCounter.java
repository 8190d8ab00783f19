package io.dynbatch.triggers;

import java.io.Serializable;

/**
 * How many events one element of a batching trigger stands for: 1 for a plain event, the event
 * count for an element that already bundles several (a subtask's pre-compacted events of one key).
 * The triggers count events, not elements, towards their size bounds and arrival rates, so the
 * same settings mean the same batches whether or not the input is pre-compacted. Must be cheap,
 * deterministic and at least 1.
 *
 * @param <T> element type
 */
@FunctionalInterface
public interface ElementCounter<T> extends Serializable {

    /** Events {@code element} stands for, at least 1. */
    long events(T element);

    /** Every element is one event. */
    static <T> ElementCounter<T> one() {
        return element -> 1L;
    }

    /** {@link #events} of {@code element}, checked: an element always counts at least 1. */
    static <T> long countOf(ElementCounter<T> counter, T element) {
        long n = counter.events(element);
        if (n < 1) {
            throw new IllegalArgumentException("an element stands for at least one event, got " + n + ": " + element);
        }
        return n;
    }
}
