package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IngestTimeOfRawRecordTest {

    private final IngestTimeOfRawRecord assigner = new IngestTimeOfRawRecord(60_000);

    private long timestampOf(String payload) {
        return assigner.extractTimestamp(new RawClick(payload, "kafka:t:0:1"), 0);
    }

    @Test
    void readsTheIngestTimeWithoutParsingTheRecord() {
        long now = System.currentTimeMillis();
        assertThat(timestampOf("{\"event_id\":1,\"ingest_ts\":" + now + "}")).isEqualTo(now);
        assertThat(timestampOf("{\"ingest_ts\" :  " + now + " , \"page\":\"/p\"}")).isEqualTo(now);
    }

    @Test
    void givesNoTimestampToRecordsThatCouldMoveTheWatermarkWrongly() {
        long now = System.currentTimeMillis();
        assertThat(timestampOf("{\"ingest_ts\":" + (now + 3_600_000) + "}")).isEqualTo(Long.MIN_VALUE);
        assertThat(timestampOf("{\"ingest_ts\":5}")).isEqualTo(Long.MIN_VALUE);
        assertThat(timestampOf("{\"ingest_ts\":\"x\"}")).isEqualTo(Long.MIN_VALUE);
        assertThat(timestampOf("not json")).isEqualTo(Long.MIN_VALUE);
        assertThat(timestampOf(null)).isEqualTo(Long.MIN_VALUE);
    }
}
