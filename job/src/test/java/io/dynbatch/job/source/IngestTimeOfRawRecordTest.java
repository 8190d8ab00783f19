package io.dynbatch.job.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IngestTimeOfRawRecordTest {

    private final IngestTimeOfRawRecord assigner = new IngestTimeOfRawRecord(60_000);

    @Test
    void readsTheIngestTimeWithoutParsingTheRecord() {
        long now = System.currentTimeMillis();
        assertThat(assigner.extractTimestamp("{\"event_id\":1,\"ingest_ts\":" + now + "}", 0)).isEqualTo(now);
        assertThat(assigner.extractTimestamp("{\"ingest_ts\" :  " + now + " , \"page\":\"/p\"}", 0)).isEqualTo(now);
    }

    @Test
    void givesNoTimestampToRecordsThatCouldMoveTheWatermarkWrongly() {
        long now = System.currentTimeMillis();
        assertThat(assigner.extractTimestamp("{\"ingest_ts\":" + (now + 3_600_000) + "}", 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp("{\"ingest_ts\":5}", 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp("{\"ingest_ts\":\"x\"}", 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp("not json", 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(null, 0)).isEqualTo(Long.MIN_VALUE);
    }
}
