package io.dynbatch.job;

import io.dynbatch.job.options.Labelled;

/**
 * Whether the A/B arms of a shadow-mode job read one input chain or one each ({@code
 * --ab-isolation}). It matters only with several arms in shadow mode; otherwise the job has one
 * chain either way.
 */
public enum AbIsolation implements Labelled {
    /**
     * Each arm reads its own copy of the input (its own source, parse/validate, late routing and
     * pre-compaction), so an arm whose sink blocks backpressures only its own copy: the other arms
     * keep their pace and the A/B compares each arm on its own.
     */
    ISOLATED("isolated"),
    /**
     * One input chain feeds every arm: one read and one parse per event, but a blocked arm
     * backpressures the chain and so stalls every arm.
     */
    SHARED("shared");

    private final String label;

    AbIsolation(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
