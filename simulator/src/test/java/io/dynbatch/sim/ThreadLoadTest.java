package io.dynbatch.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadLoadTest {

    @Test
    void anIdleThreadHasNoLoad() {
        ThreadLoad load = new ThreadLoad(180_000);

        assertThat(load.peakBusyPercent()).isZero();
        assertThat(load.peakWritePercent()).isZero();
    }

    @Test
    void theBusiestMinuteCountsEventsWritesAndPausesButOnlyWritesCountAsWriting() {
        ThreadLoad load = new ThreadLoad(180_000);
        load.busy(60_000, 12_000);  // minute 1: events
        load.write(70_000, 30_000); // minute 1: a write
        load.write(130_000, 36_000); // minute 2: writes only

        assertThat(load.peakBusyPercent()).isEqualTo(70);  // minute 1: 42 s of 60
        assertThat(load.peakWritePercent()).isEqualTo(60); // minute 2: 36 s of 60
    }

    @Test
    void aSpanAcrossAMinuteBoundaryIsSplitBetweenTheTwoMinutes() {
        ThreadLoad load = new ThreadLoad(180_000);
        load.write(30_000, 60_000); // 30 s in minute 0, 30 s in minute 1

        assertThat(load.peakWritePercent()).isEqualTo(50);
    }

    @Test
    void workAfterTheRunsEndIsLeftOut() {
        ThreadLoad load = new ThreadLoad(120_000);
        load.write(110_000, 30_000); // 10 s in minute 1, the rest after the end

        assertThat(load.peakBusyPercent()).isEqualTo(17); // minute 1: 10 s of 60
    }

    @Test
    void workBeforeTheRunsStartIsLeftOut() {
        ThreadLoad load = new ThreadLoad(120_000);
        load.busy(-5_000, 8_000); // 3 s in minute 0

        assertThat(load.peakBusyPercent()).isEqualTo(5);
    }

    @Test
    void aSaturatedMinuteReadsAHundredPercent() {
        ThreadLoad load = new ThreadLoad(60_000);
        load.busy(0, 20_000);
        load.write(20_000, 40_000);

        assertThat(load.peakBusyPercent()).isEqualTo(100);
    }
}
