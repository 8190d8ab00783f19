package io.dynbatch.job.source;

import io.dynbatch.job.options.Labelled;

/** Where the Kafka source starts reading ({@code --kafka-starting-offsets}). */
public enum KafkaStartingOffsets implements Labelled {
    /** The consumer group's committed offsets; the earliest where it has none. */
    COMMITTED("committed"),
    EARLIEST("earliest"),
    LATEST("latest");

    private final String label;

    KafkaStartingOffsets(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
