package io.dynbatch.job.source;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Watermarks come from the records themselves, as soon as they advance by a step. */
class IngestTimeWatermarksTest {

    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    @Test
    void theFirstRecordAlreadyGivesAWatermarkWithoutWaitingForThePeriodicEmission() {
        IngestTimeWatermarks<String> w = new IngestTimeWatermarks<>(Duration.ofSeconds(2), Duration.ofMillis(100));
        w.onEvent("a", 10_000, output);
        assertThat(emitted).containsExactly(10_000 - 2_000 - 1L);
    }

    @Test
    void recordsEmitOnlyPerStepAndThePeriodicEmissionCatchesUp() {
        IngestTimeWatermarks<String> w = new IngestTimeWatermarks<>(Duration.ofSeconds(2), Duration.ofMillis(100));
        for (long t = 10_000; t <= 10_250; t += 10) {
            w.onEvent("e", t, output);
        }
        w.onEvent("older", 9_000, output); // out of order: no change
        assertThat(emitted).containsExactly(7_999L, 8_099L, 8_199L);
        w.onPeriodicEmit(output);
        w.onPeriodicEmit(output); // nothing new: not again
        assertThat(emitted).containsExactly(7_999L, 8_099L, 8_199L, 8_249L);
    }

    @Test
    void theSameRecordsGiveTheSameWatermarksInEveryRun() {
        List<Long> first = run();
        emitted.clear();
        assertThat(run()).isEqualTo(first);
    }

    private List<Long> run() {
        IngestTimeWatermarks<String> w = new IngestTimeWatermarks<>(Duration.ofSeconds(2), Duration.ofMillis(100));
        for (long t : new long[] {5_000, 5_050, 5_300, 5_200, 6_000, 5_900, 7_777}) {
            w.onEvent("e", t, output);
        }
        return new ArrayList<>(emitted);
    }
}
