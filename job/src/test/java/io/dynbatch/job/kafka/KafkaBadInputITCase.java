package io.dynbatch.job.kafka;

import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.PostgresForTests;
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

    @Test
    void goodTotalsExactAndEveryBadRecordDeadLetteredWithItsReason() throws Exception {
        KafkaClickstream kafka = clickstream("kafka_dead");
        DatabaseSettings database = PostgresForTests.freshSettings("kafka_totals");
        ClickstreamGenerator generator = kafka.generator;
        int copies = 3;
        long now = System.currentTimeMillis() + 5000;
        List<BadRecords.Bad> bad = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            bad.addAll(BadRecords.oneOfEach(now, 1_000_000_000L + c)); // each late copy its own event id
        }
        long produced = generator.totalEvents() + bad.size();

        JobClient job = KafkaJobRun.start(kafka.options, database, kafka.endOffsets(produced));
        try (KafkaLoadGenerator load = kafka.producer()) {
            load.play(generator, false); // good events first, so watermarks are well ahead of the late ones
            bad.forEach(b -> load.send(b.json()));
            load.flushAndCheck();
        }
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        try (Connection c = PostgresForTests.connect()) {
            Map<RowKey, Long> inDatabase = new TotalsTable(database.totalsTable()).readAll(c);
            assertThat(inDatabase).containsExactlyInAnyOrderEntriesOf(generator.expectedTotals());

            Map<String, Long> byReason = DeadLetterQueries.eventsByReason(c, kafka.deadLetterTable);
            Map<String, Long> expected = new TreeMap<>();
            bad.forEach(b -> expected.merge(b.reason(), 1L, Long::sum));
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
            List<String[]> letters = DeadLetterQueries.query(c, "SELECT reason, payload, events FROM " + kafka.deadLetterTable);
            assertThat(letters).isNotEmpty().allSatisfy(l -> {
                assertThat(l[0]).isEqualTo("db_rejected_row");
                assertThat(l[1]).contains("\"page\":\"" + poisonPage + "\"");
            });
            assertThat(letters.stream().mapToLong(l -> Long.parseLong(l[2])).sum()).isEqualTo(poisonEvents);
        }
    }
}
