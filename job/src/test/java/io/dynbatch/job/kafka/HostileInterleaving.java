package io.dynbatch.job.kafka;

import io.dynbatch.job.fuzz.HostileRecords;
import io.dynbatch.job.model.DeadLetterKeys;
import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.parse.ParseResult;
import io.dynbatch.job.source.IngestTimeOfRawRecord;
import io.dynbatch.job.text.StrictUtf8;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hostile records between the good events of a Kafka run, one after every {@code every}-th good event
 * from event {@code first} on: first {@link HostileRecords#everyKnownCase} and {@link
 * BadRecords#oneOfEach}, then valid events of a page the arms' tables refuse (poison rows), then
 * records fuzzed from valid ones with a seeded {@link Random}. Records are made when sent (timestamps
 * follow the producer's clock), and each one's fate is predicted then, by the job's own parser and
 * clock: refused (a dead letter keyed by its Kafka position, with the parser's reason), a valid event
 * (counted in every arm's totals), a late event (a {@code late:} dead letter), or a poison row (a
 * {@code db_rejected_row} per arm). A fuzzed record whose fate depends on timing (an ingest time near
 * the lateness or future bound, a late event's key used before) is drawn again, so the prediction is
 * exact. Single producer thread.
 */
final class HostileInterleaving {

    static final String POISON_PAGE = "/poison";
    private static final int POISON_EVENTS = 20;
    private static final long EVENT_IDS = 2_000_000_000L; // above every generated event id
    private static final int KNOWN_CASES = HostileRecords.everyKnownCase(0).size();

    private final long goodEvents;
    private final long first;
    private final long every;
    private final int partitions;
    private final String topic;
    private final Random random;
    private final ClickEventParser parser = new ClickEventParser(ClickEventParser.DEFAULT_MAX_RECORD_BYTES, 60_000);

    private long sentBefore; // hostile records sent so far
    final Map<String, String> refusedByOrigin = new TreeMap<>(); // origin -> reason
    final Map<String, byte[]> bytesByOrigin = new HashMap<>();
    final Set<String> lateKeys = new HashSet<>();
    final Map<RowKey, Long> validTotals = new HashMap<>();
    final Map<String, Long> corpus = new TreeMap<>(); // kind -> records
    long poisonEvents;

    HostileInterleaving(long goodEvents, long first, long every, int partitions, String topic, long seed) {
        this.goodEvents = goodEvents;
        this.first = first;
        this.every = every;
        this.partitions = partitions;
        this.topic = topic;
        this.random = new Random(seed);
    }

    /** How many hostile records the run sends. */
    long count() {
        return goodEvents <= first ? 0 : (goodEvents - 1 - first) / every + 1;
    }

    /** The record to send right after good event {@code index} (none or one; a null value is a record without one). */
    List<byte[]> after(long index) {
        if (index < first || index >= goodEvents || (index - first) % every != 0) {
            return List.of();
        }
        long n = sentBefore++;
        long position = index + 1 + n; // records before it in the topic: the good events 0..index and the hostile ones
        String origin = "kafka:" + topic + ":" + position % partitions + ":" + position / partitions;
        byte[] record = next(n, origin, System.currentTimeMillis());
        return Arrays.asList(record);
    }

    private byte[] next(long n, String origin, long now) {
        if (n < KNOWN_CASES) {
            HostileRecords.NamedCase c = HostileRecords.everyKnownCase(now).get((int) n);
            return expect(c.bytes(), origin, now, "known: " + c.name());
        }
        n -= KNOWN_CASES;
        List<BadRecords.Bad> bad = BadRecords.oneOfEach(now, EVENT_IDS + n);
        if (n < bad.size()) {
            return expect(bad.get((int) n).json().getBytes(StandardCharsets.UTF_8), origin, now,
                    "known: " + bad.get((int) n).reason());
        }
        n -= bad.size();
        if (n < POISON_EVENTS) {
            return expect(HostileRecords.valid(EVENT_IDS + 1_000 + n, POISON_PAGE, "view", 1, now), origin, now,
                    "poison row");
        }
        while (true) {
            byte[] base = HostileRecords.valid(EVENT_IDS + 10_000 + random.nextInt(1_000_000),
                    "/p/" + random.nextInt(40), "click", random.nextInt(1_000), now - random.nextInt(1_000));
            byte[] fuzzed = HostileRecords.mutate(base, HostileRecords.randomMutations(random, 4));
            if (fateIsCertain(fuzzed, now)) {
                return expect(fuzzed, origin, now, "fuzzed");
            }
        }
    }

    private ParseResult parse(byte[] bytes, long now) {
        String text = bytes == null ? null : StrictUtf8.decodeOrNull(bytes);
        RawClick raw = bytes == null || text != null ? new RawClick(text, "") : RawClick.notUtf8(bytes, "");
        return parser.parse(raw, () -> now);
    }

    /**
     * Whether the job decides as the parser does now, whenever it reads the record: no ingest time near
     * the future or lateness bound, no late event's key twice, and no ingest time that would move the
     * watermark ahead of the good events (the source reads it from the raw record, valid or not).
     */
    private boolean fateIsCertain(byte[] bytes, long now) {
        String text = StrictUtf8.decodeOrNull(bytes);
        if (text != null && new IngestTimeOfRawRecord(60_000).extractTimestamp(new RawClick(text, ""), 0) > now + 5_000) {
            return false;
        }
        ParseResult r = parse(bytes, now);
        if (!r.isOk()) {
            return !r.deadLetter().reason.equals("future_timestamp")
                    || Long.parseLong(r.deadLetter().detail.split(" ")[1]) > 600_000; // "ingest_ts <ms> ms ahead of now"
        }
        long ingest = r.event().ingestTime;
        boolean current = ingest >= now - 5_000 && ingest <= now + 5_000;
        boolean clearlyLate = ingest <= now - 600_000 && !lateKeys.contains(DeadLetterKeys.ofLateEvent(r.event()));
        return !r.event().page.equals(POISON_PAGE) && (current || clearlyLate);
    }

    private byte[] expect(byte[] bytes, String origin, long now, String kind) {
        corpus.merge(kind, 1L, Long::sum);
        ParseResult r = parse(bytes, now);
        if (!r.isOk()) {
            refusedByOrigin.put(origin, r.deadLetter().reason);
            bytesByOrigin.put(origin, bytes);
            corpus.merge("refused: " + r.deadLetter().reason, 1L, Long::sum);
        } else if (r.event().page.equals(POISON_PAGE)) {
            poisonEvents++;
            corpus.merge("valid: poison row", 1L, Long::sum);
        } else if (r.event().ingestTime <= now - 600_000) {
            lateKeys.add(DeadLetterKeys.ofLateEvent(r.event()));
            corpus.merge("valid: late", 1L, Long::sum);
        } else {
            validTotals.merge(RowKey.of(r.event()), 1L, Long::sum);
            corpus.merge("valid: written", 1L, Long::sum);
        }
        return bytes;
    }

    /** The truth of every arm's table: the good events' totals plus the valid hostile records'. */
    Map<RowKey, Long> expectedTotals(Map<RowKey, Long> goodTotals) {
        Map<RowKey, Long> all = new HashMap<>(goodTotals);
        validTotals.forEach((k, v) -> all.merge(k, v, Long::sum));
        return all;
    }
}
