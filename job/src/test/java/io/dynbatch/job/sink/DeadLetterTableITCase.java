package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.model.DeadLetter;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter table on a real PostgreSQL, written with the sink's own statement and binding: a
 * keyed dead letter inserted again (a replay) is one row, unkeyed ones are never merged, and a table
 * created before dedupe keys is upgraded in place.
 */
class DeadLetterTableITCase {

    @Test
    void aKeyedDeadLetterInsertedTwiceIsOneRow() throws Exception {
        assertThat(rowsAfterInserting(
                new DeadLetter("malformed_json", "x", "{", 1_000).withDedupeKey("kafka:clicks:0:7"),
                new DeadLetter("future_timestamp", "replayed later", "{", 2_000).withDedupeKey("kafka:clicks:0:7")))
                .containsExactly("malformed_json|kafka:clicks:0:7");
    }

    @Test
    void deadLettersWithoutAKeyAreNeverMerged() throws Exception {
        DeadLetter row = new DeadLetter("db_rejected_row", "SQLSTATE 23514", "{}", 1_000, 4);
        assertThat(rowsAfterInserting(row, row)).containsExactly("db_rejected_row|null", "db_rejected_row|null");
    }

    @Test
    void aTableCreatedBeforeDedupeKeysIsUpgradedInPlace() throws Exception {
        String name = PostgresForTests.uniqueName("dlt_old");
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + name + " (id bigserial PRIMARY KEY, reason text NOT NULL, detail text, "
                    + "payload text, payload_length integer NOT NULL, refused_at timestamptz NOT NULL, "
                    + "events bigint NOT NULL DEFAULT 1, recorded_at timestamptz NOT NULL DEFAULT now())");
            s.execute("INSERT INTO " + name + " (reason, payload_length, refused_at) VALUES ('late_event', 0, now())");
            s.execute("INSERT INTO " + name + " (reason, payload_length, refused_at) VALUES ('late_event', 0, now())");

            DeadLetterTable table = new DeadLetterTable(name);
            table.createOrUpgrade(c);
            table.createOrUpgrade(c); // idempotent
            insert(c, table, new DeadLetter("late_event", "late", "{}", 1_000).withDedupeKey("late:42"));
            insert(c, table, new DeadLetter("late_event", "late", "{}", 1_000).withDedupeKey("late:42"));

            assertThat(rows(c, name)).containsExactly("late_event|null", "late_event|null", "late_event|late:42");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + name
                    + " WHERE payload_encoding = 'text' AND detail_encoding = 'text' AND arm IS NULL")) {
                rs.next();
                assertThat(rs.getInt(1)).as("old and new rows: text encodings, no arm").isEqualTo(3);
            }
        }
    }

    @Test
    void textsPostgresqlWouldRefuseOrAlterAreStoredEscapedAndReadBackExactly() throws Exception {
        String name = PostgresForTests.uniqueName("dlt_nul");
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            DeadLetterRoundTrip stored = new DeadLetterRoundTrip(c, name); // checks each row decodes to its dead letter
            stored.add(new DeadLetter("unknown_event_type", "event_type 'vi\u0000ew'",
                    "{\"event_type\":\"vi\u0000ew\"}", 1_000).withDedupeKey("kafka:clicks:0:1"));
            stored.add(new DeadLetter("db_rejected_row", "bad \uD800 and \\u0000 as text", "{\"page\":\"/p/\uDC00\"}",
                    1_000, 3).withDedupeKey("kafka:clicks:0:2").withArm("static"));
            stored.add(DeadLetter.ofBytes("invalid_utf8", "not UTF-8", new byte[] {0, (byte) 0xc3, 0x28}, 1_000)
                    .withDedupeKey("kafka:clicks:0:3"));
            stored.flush();
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT payload_encoding, detail_encoding, payload, arm FROM " + name
                    + " ORDER BY dedupe_key")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
            assertThat(rows).containsExactly(
                    "escaped|escaped|{\"event_type\":\"vi\\u0000ew\"}|null",
                    "escaped|escaped|{\"page\":\"/p/\\udc00\"}|static",
                    "hex|text|00c328|null");
        }
    }

    @Test
    void aSchemaQualifiedTableGetsItsIndexInItsSchema() throws Exception {
        String schema = PostgresForTests.uniqueName("dls");
        String name = schema + "." + "dead_letters";
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            DeadLetterTable table = new DeadLetterTable(name);
            table.createOrUpgrade(c);
            insert(c, table, new DeadLetter("late_event", "late", "{}", 1_000).withDedupeKey("late:1"));
            insert(c, table, new DeadLetter("late_event", "late", "{}", 1_000).withDedupeKey("late:1"));
            assertThat(rows(c, name)).containsExactly("late_event|late:1");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema
                    + "' AND indexname = 'dead_letters_dedupe_key'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    /** Inserts the dead letters into a fresh table, in order; its rows as {@code reason|dedupe_key}. */
    private static List<String> rowsAfterInserting(DeadLetter... letters) throws SQLException {
        String name = PostgresForTests.uniqueName("dlt");
        DeadLetterTable table = new DeadLetterTable(name);
        try (Connection c = PostgresForTests.connect()) {
            table.createOrUpgrade(c);
            for (DeadLetter letter : letters) {
                insert(c, table, letter);
            }
            return rows(c, name);
        }
    }

    private static void insert(Connection c, DeadLetterTable table, DeadLetter letter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(table.insertStatement())) {
            DeadLetterTable.binder().accept(ps, letter);
            ps.executeUpdate();
        }
    }

    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT reason, dedupe_key FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2));
            }
        }
        return rows;
    }
}
