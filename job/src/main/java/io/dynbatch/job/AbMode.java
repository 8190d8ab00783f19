package io.dynbatch.job;

import io.dynbatch.job.options.Labelled;

/** How the A/B arms share the input ({@code --ab-mode}). */
public enum AbMode implements Labelled {
    /** Every event to every arm. */
    SHADOW("shadow"),
    /** The shards divided between the arms. */
    SPLIT("split"),
    /** The first arm only. */
    OFF("off");

    private final String label;

    AbMode(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
