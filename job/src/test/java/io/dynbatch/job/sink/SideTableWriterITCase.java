package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;

import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SideTableWriter} on a real PostgreSQL: rows the database refuses on content (a CHECK
 * constraint, a NUL character the driver refuses) are bisected out and recorded as residues, the
 * other rows commit once each, and nothing fails.
 */
class SideTableWriterITCase {

    /** A row of the test table. */
    static final class Note implements java.io.Serializable {
        final int id;
        final String text;

        Note(int id, String text) {
            this.id = id;
            this.text = text;
        }
    }

    @Test
    void refusedRowsBecomeResiduesAndTheRestCommits() throws Exception {
        String table = PostgresForTests.uniqueName("side_notes");
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id int NOT NULL, text text NOT NULL CHECK (text NOT LIKE 'bad%'))");
        }
        TableRows<Note> rows = new TableRows<>(table, "INSERT INTO " + table + " (id, text) VALUES (?, ?)",
                (ps, n) -> {
                    ps.setInt(1, n.id);
                    ps.setString(2, n.text);
                },
                n -> new Note(n.id, "residue " + Residue.hex(n.text)));
        DatabaseSettings settings = new DatabaseSettings(PostgresForTests.url(), "postgres", null, "unused");
        ProviderConnections connections =
                new ProviderConnections(new SimpleJdbcConnectionProvider(settings.connectionOptions()));
        SideTableWriter<Note> writer = new SideTableWriter<>(rows, new RetryingTransactions(connections,
                RetryPolicy.forOutagesUpTo(Duration.ofSeconds(5)), new CircuitBreaker(3, 100, 1_000,
                        System::currentTimeMillis), Thread::sleep, () -> 0.5, System::currentTimeMillis));

        List<Note> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(new Note(i, i == 5 ? "bad five" : i == 13 ? "nul\u0000thirteen" : "note " + i));
        }
        SideTableWriter.Outcome outcome = writer.write(batch);
        connections.close();

        assertThat(outcome.residues).isEqualTo(2);
        assertThat(outcome.unstorable).isZero();
        try (Connection c = PostgresForTests.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, text FROM " + table + " ORDER BY id")) {
            List<String> stored = new ArrayList<>();
            while (rs.next()) {
                stored.add(rs.getInt(1) + "=" + rs.getString(2));
            }
            assertThat(stored).hasSize(20).contains("5=residue " + Residue.hex("bad five"),
                    "13=residue " + Residue.hex("nul\u0000thirteen"), "0=note 0", "19=note 19");
            System.out.printf("Side table: 20 rows, 2 refused -> residues; %d transactions, %d statements%n",
                    outcome.transactions, outcome.statements);
        }
    }
}
