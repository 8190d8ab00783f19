package io.dynbatch.job.model;

/**
 * One record as a source read it, before parsing: the raw JSON and where it came from. The origin
 * is the record's position in its source, the same on every replay of that record, so a dead letter
 * for it can be recorded once ({@link DeadLetterKeys}). Only the source and the parser see it; the
 * parsed {@link ClickEvent} does not carry it. A Flink POJO.
 */
public class RawClick {

    /**
     * The record's value as text (null for a record without a value, e.g. a Kafka tombstone, and for
     * one whose bytes are not UTF-8).
     */
    public String payload;
    /**
     * The record's value when its bytes are not well-formed UTF-8 (then {@link #payload} is null),
     * kept as bytes so the dead letter shows them unaltered; null otherwise.
     */
    public byte[] invalidUtf8;
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

    /** A record whose value is not well-formed UTF-8: refused by the parser, its bytes kept for the dead letter. */
    public static RawClick notUtf8(byte[] bytes, String origin) {
        RawClick raw = new RawClick(null, origin);
        raw.invalidUtf8 = bytes;
        return raw;
    }

    @Override
    public String toString() {
        return "RawClick{" + origin + "}";
    }
}
