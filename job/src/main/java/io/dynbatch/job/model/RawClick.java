package io.dynbatch.job.model;

/**
 * One record as a source read it, before parsing: the raw JSON and where it came from. The origin
 * is the record's position in its source, the same on every replay of that record, so a dead letter
 * for it can be recorded once ({@link DeadLetterKeys}). Only the source and the parser see it; the
 * parsed {@link ClickEvent} does not carry it. A Flink POJO.
 */
public class RawClick {

    /** The record's value as text (null for a record without a value, e.g. a Kafka tombstone). */
    public String payload;
    /**
     * The record's position in its source: {@code kafka:<topic>:<partition>:<offset>}, or {@code
     * generator:<seed>@<start millis>:<split>:<index>} for the built-in generator.
     */
    public String origin;

    public RawClick() {}

    public RawClick(String payload, String origin) {
        this.payload = payload;
        this.origin = origin;
    }

    @Override
    public String toString() {
        return "RawClick{" + origin + "}";
    }
}
