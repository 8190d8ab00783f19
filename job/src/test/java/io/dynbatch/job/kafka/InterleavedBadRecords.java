package io.dynbatch.job.kafka;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fixed plan of bad records between the good events of a run: one after every {@code every}-th
 * event from event {@code first} on, cycling through {@link BadRecords#oneOfEach}'s kinds, each late
 * event with its own event id. The count and the reasons are known before the run (for the end
 * offsets and the expected dead letters); the records are made when sent (their timestamps follow
 * the producer's clock).
 */
final class InterleavedBadRecords {

    private static final long LATE_EVENT_IDS = 1_000_000_000L; // above every generated event id

    private final long goodEvents;
    private final long first;
    private final long every;

    InterleavedBadRecords(long goodEvents, long first, long every) {
        if (first < 0 || every < 1) {
            throw new IllegalArgumentException("first must be >= 0 and every >= 1");
        }
        this.goodEvents = goodEvents;
        this.first = first;
        this.every = every;
    }

    /** How many bad records the run sends. */
    long count() {
        return goodEvents <= first ? 0 : (goodEvents - 1 - first) / every + 1;
    }

    /** The bad records to send right after good event {@code index} (none or one). */
    List<String> after(long index) {
        if (index < first || index >= goodEvents || (index - first) % every != 0) {
            return List.of();
        }
        long n = (index - first) / every;
        return List.of(kind(n, System.currentTimeMillis()).json());
    }

    /** How many bad records of each reason the run sends. */
    Map<String, Long> expectedByReason() {
        Map<String, Long> expected = new TreeMap<>();
        for (long n = 0; n < count(); n++) {
            expected.merge(kind(n, 0).reason(), 1L, Long::sum);
        }
        return expected;
    }

    private static BadRecords.Bad kind(long n, long now) {
        List<BadRecords.Bad> kinds = BadRecords.oneOfEach(now, LATE_EVENT_IDS + n);
        return kinds.get((int) (n % kinds.size()));
    }
}
