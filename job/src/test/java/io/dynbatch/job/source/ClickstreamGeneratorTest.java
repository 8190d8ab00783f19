package io.dynbatch.job.source;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.parse.ClickEventParser;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ClickstreamGeneratorTest {

    private static final long START = 1_700_000_000_000L;

    @Test
    void scheduleSpreadsExactlyNEventsOverTheDayInOrder() {
        TrafficProfile profile = TrafficProfile.compressedDay(Duration.ofSeconds(100), 3, 1);
        EventSchedule schedule = new EventSchedule(profile, 100_000);
        long previous = -1;
        for (long i = 0; i < schedule.totalEvents(); i++) {
            long t = schedule.offsetMillis(i);
            assertThat(t).isGreaterThanOrEqualTo(previous).isBetween(0L, 100_000L);
            previous = t;
        }
    }

    @Test
    void peakIsAboutTenTimesTheTrough() {
        TrafficProfile profile = TrafficProfile.compressedDay(Duration.ofSeconds(100), 0, 1);
        EventSchedule schedule = new EventSchedule(profile, 1_000_000);
        long trough = countBetween(schedule, 0, 2_000);
        long peak = countBetween(schedule, 49_000, 51_000);
        assertThat((double) peak / trough).isBetween(9.0, 10.5);
    }

    private static long countBetween(EventSchedule s, long fromMillis, long toMillis) {
        long n = 0;
        for (long i = 0; i < s.totalEvents(); i++) {
            long t = s.offsetMillis(i);
            if (t >= fromMillis && t < toMillis) {
                n++;
            }
        }
        return n;
    }

    @Test
    void eventsArePureFunctionsOfSeedAndIndex() {
        ClickstreamGenerator a = generator(7);
        ClickstreamGenerator b = generator(7);
        ClickstreamGenerator c = generator(8);
        for (long i = 0; i < 1000; i++) {
            assertThat(a.event(i)).isEqualTo(b.event(i));
        }
        assertThat(c.event(5)).isNotEqualTo(a.event(5));
        assertThat(a.event(3).ingestTime).isEqualTo(a.dueAt(3));
    }

    @Test
    void jsonRoundTripsThroughTheParser() {
        ClickstreamGenerator g = generator(3);
        ClickEventParser parser = new ClickEventParser(4096, 60_000);
        for (long i = 0; i < 200; i++) {
            ClickEvent parsed = parser.parse(g.json(i), () -> START).event();
            assertThat(parsed).isEqualTo(g.event(i));
        }
    }

    @Test
    void groundTruthCountsEveryEventOnce() {
        ClickstreamGenerator g = generator(1);
        assertThat(g.expectedTotals().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(g.totalEvents());
    }

    private static ClickstreamGenerator generator(long seed) {
        return new ClickstreamGenerator(
                new EventSchedule(TrafficProfile.compressedDay(Duration.ofSeconds(10), 2, seed), 5_000), START, seed, 100);
    }
}
