package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.parse.ClickEventParser;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Reads a raw JSON click's {@code ingest_ts} at the source, without parsing the record, so that
 * watermarks are generated per source split (per Kafka partition): one partition far behind the
 * others then holds the watermark back instead of seeing its events judged late.
 *
 * <p>Records whose ingest time is missing, unreadable, before 2000 or more than {@code
 * maxFutureSkewMillis} ahead of the clock get {@code Long.MIN_VALUE}, which no watermark follows
 * (a single far-future record must not push the watermark ahead); the parser dead-letters them.
 */
public final class IngestTimeOfRawRecord implements SerializableTimestampAssigner<RawClick> {

    private static final long serialVersionUID = 1L;
    private static final String KEY = "\"ingest_ts\"";

    private final long maxFutureSkewMillis;

    public IngestTimeOfRawRecord(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public long extractTimestamp(RawClick raw, long recordTimestamp) {
        long ts = parse(raw.payload);
        if (ts < ClickEventParser.EARLIEST_INGEST_MILLIS || ts > System.currentTimeMillis() + maxFutureSkewMillis) {
            return Long.MIN_VALUE;
        }
        return ts;
    }

    /** The integer after {@code "ingest_ts":}, or Long.MIN_VALUE. */
    static long parse(String raw) {
        if (raw == null) {
            return Long.MIN_VALUE;
        }
        int at = raw.indexOf(KEY);
        if (at < 0) {
            return Long.MIN_VALUE;
        }
        int i = at + KEY.length();
        while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
            i++;
        }
        if (i >= raw.length() || raw.charAt(i) != ':') {
            return Long.MIN_VALUE;
        }
        i++;
        while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < raw.length() && Character.isDigit(raw.charAt(i)) && digits < 18) {
            value = value * 10 + (raw.charAt(i) - '0');
            i++;
            digits++;
        }
        return digits == 0 ? Long.MIN_VALUE : value;
    }
}
