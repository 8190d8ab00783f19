package io.dynbatch.job.kafka;

import io.dynbatch.job.Arm;
import io.dynbatch.job.FlinkTestCluster;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.TotalsTable;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.text.StorableText;
import io.dynbatch.job.text.StrictUtf8;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of hostile records ({@link HostileInterleaving}: every known hostile kind, every bad-record
 * kind, poison rows, and seeded fuzzing of valid records) interleaved with good events, through Kafka
 * into the whole job, static and adaptive arms in shadow mode. Then: the job finished with no task
 * failure and no restart; each arm's totals equal the truth (good events plus the valid hostile ones);
 * each refused record is one dead letter keyed by its Kafka position, with the predicted reason and a
 * payload that decodes to the record; each late event one {@code late:} dead letter; each poison row a
 * {@code db_rejected_row} of each arm, carrying its arm; and per arm, produced = written + dead letters
 * of every arm (arm NULL) + that arm's own.
 */
class HostileInputITCase {

    private static final int PARTITIONS = 2;
    private static final long SEED = 20261130L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @Test
    void hostileRecordsAreDeadLetteredOnceAndNeverFailTheJob(@InjectMiniCluster MiniCluster cluster) throws Exception {
        KafkaClickstream kafka = KafkaClickstream.create(PARTITIONS, "hostile_dead", "--events", "16000",
                "--duration", "16s", "--pages", "40", "--arms", "static,adaptive", "--ab-mode", "shadow");
        DatabaseSettings database = PostgresForTests.freshSettings("hostile_totals");
        ClickstreamGenerator generator = kafka.generator;
        // From event 2,000 on (watermarks established, so late events are late), one hostile record in 4.
        HostileInterleaving hostile = new HostileInterleaving(generator.totalEvents(), 2_000, 4, PARTITIONS,
                kafka.topic, SEED);
        long produced = generator.totalEvents() + hostile.count();
        List<Arm> arms = List.of(Arm.STATIC, Arm.ADAPTIVE);
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            for (Arm arm : arms) { // a DBA's constraint: each arm's table refuses the poison page
                String table = kafka.options.totalsTableFor(database.totalsTable(), arm);
                new TotalsTable(table).createIfAbsent(c);
                s.execute("ALTER TABLE " + table + " ADD CONSTRAINT no_poison CHECK (page <> '"
                        + HostileInterleaving.POISON_PAGE + "')");
            }
        }

        JobClient job = KafkaJobRun.start(kafka.options, database, kafka.endOffsets(produced));
        try (KafkaLoadGenerator load = kafka.producer()) {
            load.playWithRawExtras(generator, false, hostile::after);
        }
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        FlinkRest rest = new FlinkRest(cluster);
        long restarts = TaskManagerFailures.restartsSoFar(cluster, job.getJobID());
        long taskFailures = rest.taskFailures(job.getJobID());
        System.out.printf("Hostile input: %,d good events, %,d hostile records (seed %d): %s%n",
                generator.totalEvents(), hostile.count(), SEED, hostile.corpus);
        assertThat(rest.jobState(job.getJobID())).isEqualTo("FINISHED");
        assertThat(taskFailures).as("task failures").isZero();
        assertThat(restarts).as("restarts").isZero();

        try (Connection c = PostgresForTests.connect()) {
            List<String[]> letters = DeadLetterQueries.query(c, "SELECT dedupe_key, reason, arm, events, payload, "
                    + "payload_encoding, payload_length FROM " + kafka.deadLetterTable);
            Map<String, String> refused = new HashMap<>();
            Set<String> late = new HashSet<>();
            Map<String, Long> rejectedEventsByArm = new HashMap<>();
            long sharedEvents = 0;
            for (String[] l : letters) {
                String key = l[0];
                String reason = l[1];
                String arm = l[2];
                long events = Long.parseLong(l[3]);
                if (arm == null) {
                    sharedEvents += events;
                } else {
                    assertThat(reason).as("only rejected rows are per arm here").isEqualTo("db_rejected_row");
                    assertThat(l[4]).contains("\"page\":\"" + HostileInterleaving.POISON_PAGE + "\"");
                    rejectedEventsByArm.merge(arm, events, Long::sum);
                    continue;
                }
                if (reason.equals("late_event")) {
                    assertThat(late.add(key)).as("one dead letter per late event: " + key).isTrue();
                    continue;
                }
                assertThat(refused.put(key, reason)).as("one dead letter per refused record: " + key).isNull();
                assertThat(storedPayload(l[4], l[5])).as("payload of " + key)
                        .isEqualTo(expectedPayload(hostile.bytesByOrigin.get(key)));
            }
            assertThat(refused).as("every refused record once, keyed by its position, with its reason")
                    .isEqualTo(hostile.refusedByOrigin);
            assertThat(late).as("every late event once").isEqualTo(hostile.lateKeys);

            Map<RowKey, Long> truth = hostile.expectedTotals(generator.expectedTotals());
            for (Arm arm : arms) {
                String table = kafka.options.totalsTableFor(database.totalsTable(), arm);
                Map<RowKey, Long> inDatabase = new TotalsTable(table).readAll(c);
                assertThat(inDatabase).as(table).containsExactlyInAnyOrderEntriesOf(truth);
                long written = inDatabase.values().stream().mapToLong(Long::longValue).sum();
                long own = rejectedEventsByArm.getOrDefault(arm.label(), 0L);
                assertThat(own).as("poison events rejected by " + arm.label()).isEqualTo(hostile.poisonEvents);
                System.out.printf("Accounting %s: produced %,d = written %,d + dead-lettered %,d (every arm's %,d + "
                        + "its own %,d)%n", arm.label(), produced, written, sharedEvents + own, sharedEvents, own);
                assertThat(written + sharedEvents + own).as("produced = written + dead-lettered, " + arm.label())
                        .isEqualTo(produced);
            }
            long allDeadLettered = sharedEvents + rejectedEventsByArm.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("Table-wide: %,d dead-letter rows, %,d events (%,d of every arm, %,d per arm)%n",
                    letters.size(), allDeadLettered, sharedEvents, allDeadLettered - sharedEvents);
        }
    }

    /** What the dead letter of a record must hold: its text (truncated), or its bytes as hex if they are not UTF-8. */
    private static String expectedPayload(byte[] record) {
        if (record == null) {
            return null;
        }
        String text = StrictUtf8.decodeOrNull(record);
        return text == null ? StorableText.hex(record, DeadLetter.MAX_PAYLOAD_CHARS / 2)
                : StorableText.truncate(text, DeadLetter.MAX_PAYLOAD_CHARS);
    }

    private static String storedPayload(String payload, String encoding) {
        return StorableText.ESCAPED.equals(encoding) ? StorableText.unescape(payload) : payload;
    }
}
