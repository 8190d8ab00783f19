package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator reader's position is checkpointed: a reader restored from a snapshot emits exactly
 * the records the original emitted after that snapshot, with the same origins, so dead letters of a
 * replay carry the same keys.
 */
class PacedGeneratorReaderTest {

    private static final long START = 1_700_000_000_000L; // in the past: every event is due at once

    private final ClickstreamGenerator generator = new ClickstreamGenerator(
            new EventSchedule(TrafficProfile.compressedDay(Duration.ofSeconds(10), 1, 5), 2_000), START, 5, 50);

    @Test
    void aRestoredReaderReEmitsTheSameRecordsWithTheSameOrigins() throws Exception {
        List<String> original = new ArrayList<>();
        List<NumberSequenceSplit> checkpoint;
        try (PacedGeneratorReader reader = reader(List.of(new NumberSequenceSplit("0", 0, 1_199),
                new NumberSequenceSplit("1", 1_200, 1_999)))) {
            RecordingOutput out = new RecordingOutput(original);
            assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE); // one poll: part of split 0
            checkpoint = reader.snapshotState(1);
            drain(reader, out); // emitted after the checkpoint, then a failure
        }
        int beforeCheckpoint = 2_000 - (int) remaining(checkpoint);
        assertThat(beforeCheckpoint).isPositive().isLessThan(1_200);

        List<String> replayed = new ArrayList<>();
        try (PacedGeneratorReader restored = reader(checkpoint)) {
            drain(restored, new RecordingOutput(replayed));
        }
        assertThat(original).hasSize(2_000);
        assertThat(replayed).isEqualTo(original.subList(beforeCheckpoint, original.size()));
        assertThat(original.get(0)).startsWith("generator:5@" + START + ":0:0 ");
        assertThat(original.get(1_200)).startsWith("generator:5@" + START + ":1:1200 ");
    }

    @Test
    void anotherRunOfTheGeneratorHasOtherOrigins() {
        ClickstreamGenerator later = new ClickstreamGenerator(
                new EventSchedule(TrafficProfile.compressedDay(Duration.ofSeconds(10), 1, 5), 2_000), START + 1, 5, 50);
        assertThat(later.originPrefix("0")).isNotEqualTo(generator.originPrefix("0"));
    }

    private static void drain(PacedGeneratorReader reader, RecordingOutput out) throws Exception {
        InputStatus status;
        do {
            status = reader.pollNext(out);
            assertThat(status).as("every event is due").isNotEqualTo(InputStatus.NOTHING_AVAILABLE);
        } while (status != InputStatus.END_OF_INPUT);
    }

    private static long remaining(List<NumberSequenceSplit> splits) {
        return splits.stream().mapToLong(s -> s.to() - s.from() + 1).sum();
    }

    private PacedGeneratorReader reader(List<NumberSequenceSplit> splits) {
        PacedGeneratorReader reader = new PacedGeneratorReader(new SplitRequestsIgnored(), generator);
        reader.start();
        reader.addSplits(splits);
        reader.notifyNoMoreSplits();
        return reader;
    }

    /** Records each emitted record as {@code "<origin> <payload>"}. */
    private static final class RecordingOutput implements ReaderOutput<RawClick> {
        private final List<String> records;

        RecordingOutput(List<String> records) {
            this.records = records;
        }

        @Override
        public void collect(RawClick record) {
            records.add(record.origin + " " + record.payload);
        }

        @Override
        public void collect(RawClick record, long timestamp) {
            collect(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<RawClick> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    /** The reader asks for splits at start; the test hands them over itself. */
    private static final class SplitRequestsIgnored implements SourceReaderContext {
        @Override
        public void sendSplitRequest() {}

        @Override
        public SourceReaderMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }
    }
}
