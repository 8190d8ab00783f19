package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.fuzz.HostileRecords;
import io.dynbatch.job.fuzz.HostileRecords.Kind;
import io.dynbatch.job.fuzz.HostileRecords.Mutation;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.EventType;
import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.parse.ParseResult;
import io.dynbatch.job.text.StorableText;
import io.dynbatch.job.text.StrictUtf8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the door and the dead-letter path with jqwik: valid records mutated in their bytes,
 * characters, structure and size ({@link HostileRecords}), and arbitrary text (any UTF-16 unit,
 * surrogates and NUL included). For every input: the parser does not throw; the result is a valid
 * event holding only storable text, or a dead letter with a known reason, keyed by the record's
 * position; and every dead letter, written with the sink's own statement and binder to the real
 * PostgreSQL (in JDBC batches), is accepted and reads back exactly as it was (by its encoding columns).
 *
 * <p>The seed is fixed ({@link #SEED}); the tries per property come from {@code jqwik.tries.default}
 * ({@code junit-platform.properties}: 2,000 in {@code mvn verify}), more on demand, e.g. {@code mvn -B
 * -pl job -am verify -Dit.test=HostileInputFuzzITCase -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Djqwik.tries.default=100000} (see {@code docs/bad-input.md}).
 */
class HostileInputFuzzITCase {

    static final String SEED = "20261130";
    private static final long NOW = 1_764_000_000_000L;
    private static final Set<String> REASONS = Set.of("oversized_record", "invalid_utf8", "unstorable_text",
            "malformed_json", "duplicate_field", "too_deeply_nested", "unknown_field", "missing_field", "wrong_type",
            "invalid_value", "unknown_event_type", "future_timestamp");
    private static final int BATCH = 500;

    private final ClickEventParser parser =
            new ClickEventParser(ClickEventParser.DEFAULT_MAX_RECORD_BYTES, 60_000);
    private Connection connection;
    private DeadLetterRoundTrip stored;
    private long tries; // numbers the inputs, for their positions

    /** A valid record and the mutations applied to it. */
    record Fuzzed(byte[] base, List<Mutation> mutations) {
        byte[] bytes() {
            return HostileRecords.mutate(base, mutations);
        }

        @Override
        public String toString() {
            return new String(base, java.nio.charset.StandardCharsets.UTF_8) + " " + mutations;
        }
    }

    @BeforeProperty
    void openTable() throws SQLException {
        connection = PostgresForTests.connect();
        stored = new DeadLetterRoundTrip(connection, PostgresForTests.uniqueName("fuzz_dead"));
    }

    @AfterProperty
    void flushAndClose() throws SQLException {
        try {
            stored.flush();
            System.out.printf("%,d dead letters stored and read back exactly%n", stored.checked());
        } finally {
            connection.close();
        }
    }

    @Property(seed = SEED)
    void aMutatedRecordIsAnEventOrADeadLetterThatTheDatabaseStores(@ForAll("mutatedRecords") Fuzzed fuzzed)
            throws SQLException, IOException {
        byte[] bytes = fuzzed.bytes();
        String text = StrictUtf8.decodeOrNull(bytes); // as KafkaRawClickDeserializer does
        String origin = "fuzz:" + (++tries);
        RawClick raw = text != null ? new RawClick(text, origin) : RawClick.notUtf8(bytes, origin);
        ParseResult result = parser.parse(raw, () -> NOW);
        if (result.isOk()) {
            Statistics.label("outcome").collect("valid event");
            assertThat(text).as("an accepted record is UTF-8").isNotNull();
            assertThat(bytes).as("an accepted record holds no NUL").doesNotContain((byte) 0);
            assertThat(StorableText.isStorable(result.event().page)).isTrue();
            assertThat(result.event().page.length()).isBetween(1, ClickEventParser.MAX_PAGE_CHARS);
            assertThat(EventType.fromWireName(result.event().eventType)).isPresent();
            assertThat(result.event().ingestTime).isBetween(ClickEventParser.EARLIEST_INGEST_MILLIS, NOW + 60_000);
            assertThat(fieldNames(text)).as("an accepted record has each field once").hasSize(5)
                    .doesNotHaveDuplicates();
        } else {
            DeadLetter d = result.deadLetter();
            Statistics.label("outcome").collect(d.reason);
            assertThat(REASONS).as("a known reason").contains(d.reason);
            assertThat(d.detail).as("a detail").isNotBlank();
            assertThat(d.dedupeKey).as("keyed by the record's position").isEqualTo(origin);
            store(d);
        }
    }

    @Property(seed = SEED)
    void anyTextInARecordIsAnEventOrADeadLetterThatTheDatabaseStores(@ForAll("anyText") String inserted,
            @ForAll("records") byte[] record, @ForAll int at) throws SQLException, IOException {
        // The generator's path: text that never was bytes, so it may hold unpaired surrogates.
        String valid = new String(record, java.nio.charset.StandardCharsets.UTF_8);
        int i = Math.floorMod(at, valid.length() + 1);
        String text = valid.substring(0, i) + inserted + valid.substring(i);
        String origin = "text:" + (++tries);
        ParseResult result = parser.parse(new RawClick(text, origin), () -> NOW);
        if (result.isOk()) {
            Statistics.collect("valid event");
            assertThat(StorableText.isStorable(result.event().page)).isTrue();
            assertThat(StorableText.isStorable(result.event().eventType)).isTrue();
            assertThat(fieldNames(text)).hasSize(5).doesNotHaveDuplicates();
        } else {
            Statistics.collect(result.deadLetter().reason);
            assertThat(REASONS).contains(result.deadLetter().reason);
            assertThat(result.deadLetter().dedupeKey).isEqualTo(origin);
            store(result.deadLetter());
        }
    }

    @Property(seed = SEED)
    void anyDeadLetterIsStoredAndReadsBackExactly(@ForAll("anyText") String reason, @ForAll("anyText") String detail,
            @ForAll("anyText") String payload, @ForAll("anyText") String arm, @ForAll boolean hex) throws SQLException {
        DeadLetter d = hex
                ? DeadLetter.ofBytes(reason, detail, payload.getBytes(java.nio.charset.StandardCharsets.UTF_16BE), NOW)
                : new DeadLetter(reason, detail, payload, NOW);
        store(d.withArm(arm));
    }

    @Example
    void everyKnownHostileCaseGetsItsReason() {
        for (HostileRecords.NamedCase c : HostileRecords.everyKnownCase(NOW)) {
            RawClick raw = c.bytes() == null ? new RawClick(null, "k")
                    : StrictUtf8.decodeOrNull(c.bytes()) != null ? new RawClick(StrictUtf8.decodeOrNull(c.bytes()), "k")
                    : RawClick.notUtf8(c.bytes(), "k");
            ParseResult r = parser.parse(raw, () -> NOW);
            assertThat(r.isOk() ? "" : r.deadLetter().reason).as(c.name() + (r.isOk() ? "" : ": " + r.deadLetter().detail))
                    .isEqualTo(c.reason());
        }
    }

    /** Every field name of a JSON text, as a lenient reader (no duplicate detection) sees them. */
    private static List<String> fieldNames(String json) throws IOException {
        List<String> names = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    names.add(p.currentName());
                }
            }
        }
        return names;
    }

    private void store(DeadLetter d) throws SQLException {
        d.dedupeKey = "fuzz:" + stored.checked() + ":" + stored.pendingCount();
        stored.add(d);
        if (stored.pendingCount() >= BATCH) {
            stored.flush();
        }
    }

    @Provide
    Arbitrary<byte[]> records() {
        return Combinators.combine(Arbitraries.longs().between(0, 10_000_000),
                        Arbitraries.of("/p/1", "/p/17", "/a/b?c=d&e=f", "/p/\u00e9", "/\uD83D\uDE00"),
                        Arbitraries.of(Arrays.stream(EventType.values()).map(EventType::wireName).toArray(String[]::new)),
                        Arbitraries.longs().between(0, 1_000_000),
                        Arbitraries.longs().between(NOW - 3_600_000, NOW))
                .as(HostileRecords::valid);
    }

    @Provide
    Arbitrary<Fuzzed> mutatedRecords() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(0, 999)).as(Mutation::new);
        return Combinators.combine(records(), mutation.list().ofMinSize(0).ofMaxSize(4)).as(Fuzzed::new);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\\', 'u', '0', '"', 'x')
                        .ofMaxLength(12),
                Arbitraries.strings().all().ofMinLength(2040).ofMaxLength(2060));
    }
}
