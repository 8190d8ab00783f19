package io.dynbatch.job.kafka;

import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka (in-JVM KRaft) -> the job on a MiniCluster -> real PostgreSQL, with bad input mixed in:
 * good totals stay exact, every bad record is dead-lettered with its reason, and good + dead
 * letters + late = produced.
 */
class KafkaBadInputITCase {

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    private static KafkaClickstream clickstream(String deadLetterPrefix) throws Exception {
        return KafkaClickstream.create(PARTITIONS, deadLetterPrefix, "--events", "12000", "--duration", "3s",
                "--pages", "60");
    }

    /** Bad records of every kind, with the reason each must be dead-lettered for. */
    private static Map<String, String> badRecords(long now) {
        Map<String, String> bad = new HashMap<>();
        bad.put("{\"event_id\":1,\"page\":", "malformed_json");
        bad.put("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":" + now
                + ",\"referrer\":\"x\"}", "unknown_field");
        bad.put("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1}", "missing_field");
        bad.put("{\"event_id\":\"one\",\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":" + now + "}",
                "wrong_type");
        bad.put("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"hover\",\"user_id\":1,\"ingest_ts\":" + now + "}",
                "unknown_event_type");
        bad.put("{\"event_id\":1,\"page\":\"/p/" + "x".repeat(5000) + "\"}", "oversized_record");
        bad.put("{\"event_id\":1,\"page\":\"/p/1\",\"event_type\":\"view\",\"user_id\":1,\"ingest_ts\":" + (now + 3_600_000)
                + "}", "future_timestamp");
        bad.put(ClickstreamGenerator.toJson(new ClickEvent(99, "/p/1", "view", 1, now - 600_000)), "late_event");
        return bad;
    }

    @Test
    void goodTotalsExactAndEveryBadRecordDeadLetteredWithItsReason() throws Exception {
        KafkaClickstream kafka = clickstream("kafka_dead");
        DatabaseSettings database = PostgresForTests.freshSettings("kafka_totals");
        ClickstreamGenerator generator = kafka.generator;
        int copies = 3;
        Map<String, String> bad = badRecords(System.currentTimeMillis() + 5000);
        long produced = generator.totalEvents() + (long) copies * bad.size();

        JobClient job = KafkaJobRun.start(kafka.options, database, kafka.endOffsets(produced));
        try (KafkaLoadGenerator load = kafka.producer()) {
            load.play(generator, false); // good events first, so watermarks are well ahead of the late ones
            long index = generator.totalEvents();
            for (int c = 0; c < copies; c++) {
                for (String record : bad.keySet()) {
                    load.send(index++, record);
                }
            }
            load.flushAndCheck();
        }
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        try (Connection c = PostgresForTests.connect()) {
            Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
            assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());

            Map<String, Long> byReason = countByReason(c, kafka.deadLetterTable);
            Map<String, Long> expected = new TreeMap<>();
            bad.values().forEach(reason -> expected.merge(reason, (long) copies, Long::sum));
            assertThat(byReason).isEqualTo(expected);

            long good = inDatabase.values().stream().mapToLong(Long::longValue).sum();
            long deadLettered = byReason.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("Accounting: produced %d = written %d + dead-lettered %d (of which late %d)%n",
                    produced, good, deadLettered, byReason.get("late_event"));
            assertThat(good + deadLettered).isEqualTo(produced);
        }
    }

    @Test
    void aPoisonRowIsIsolatedByBisectionAndOnlyItIsDeadLettered() throws Exception {
        KafkaClickstream kafka = clickstream("poison_dead");
        DatabaseSettings database = PostgresForTests.freshSettings("poison_totals");
        ClickstreamGenerator generator = kafka.generator;

        // A DBA's constraint that refuses one page: every row of that page is a poison row.
        String poisonPage = "/p/3";
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            new TotalsTable(database.totalsTable()).createIfAbsent(c);
            s.execute("ALTER TABLE " + database.totalsTable() + " ADD CONSTRAINT no_p3 CHECK (page <> '" + poisonPage + "')");
        }

        JobClient job = kafka.startJob(database);
        try (KafkaLoadGenerator load = kafka.producer()) {
            load.play(generator, false);
        }
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        Map<RowKey, Long> truth = generator.expectedTotals();
        Map<RowKey, Long> goodRows = new HashMap<>(truth);
        goodRows.keySet().removeIf(k -> k.page.equals(poisonPage));
        long poisonEvents = truth.entrySet().stream().filter(e -> e.getKey().page.equals(poisonPage))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(poisonEvents).as("the generator produces events for the poison page").isPositive();

        try (Connection c = PostgresForTests.connect()) {
            assertThat(new TotalsTable(database.totalsTable()).readAll(c)).containsExactlyInAnyOrderEntriesOf(goodRows);
            List<String[]> letters = query(c, "SELECT reason, payload, events FROM " + kafka.deadLetterTable);
            assertThat(letters).isNotEmpty().allSatisfy(l -> {
                assertThat(l[0]).isEqualTo("db_rejected_row");
                assertThat(l[1]).contains("\"page\":\"" + poisonPage + "\"");
            });
            assertThat(letters.stream().mapToLong(l -> Long.parseLong(l[2])).sum()).isEqualTo(poisonEvents);
        }
    }

    static Map<String, Long> countByReason(Connection c, String table) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String[] row : query(c, "SELECT reason, sum(events) FROM " + table + " GROUP BY reason")) {
            counts.put(row[0], Long.parseLong(row[1]));
        }
        return counts;
    }

    static List<String[]> query(Connection c, String sql) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
