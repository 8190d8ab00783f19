package io.dynbatch.job.sink;

import io.dynbatch.job.model.RowKey;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path costs exactly one PostgreSQL transaction per batch, as PostgreSQL counts it
 * ({@code pg_stat_database.xact_commit}). A fresh embedded PostgreSQL with autovacuum off and a
 * database of its own, so that nothing else commits there; the counters are read from another
 * database once the writer's backend has exited (which reports its counts) and they have settled.
 * What opening and closing a connection costs is measured the same way and subtracted.
 */
class OneCommitPerBatchITCase {

    private static final String DATABASE = "one_commit";
    private static final int BATCHES = 40;
    private static final int ROWS = 25;

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setPort(0).setServerConfig("autovacuum", "off").start();
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void nBatchesRaiseXactCommitByExactlyN() throws Exception {
        TotalsTable table = new TotalsTable("one_commit_totals");
        try (Connection c = connect(DATABASE)) {
            table.createIfAbsent(c);
        }
        long connectionOnly = commitsOf(() -> {
            ProviderConnections connections = connections();
            connections.get();
            connections.close();
        });
        long writing = commitsOf(() -> {
            ProviderConnections connections = connections();
            ResilientBatchWriter writer = writer(table, connections);
            for (int b = 0; b < BATCHES; b++) {
                ResilientBatchWriter.Outcome outcome = writer.write(rows(b), totals(b));
                assertThat(outcome.transactions).isEqualTo(1);
            }
            connections.close();
        });
        long probing = commitsOf(() -> {
            SimpleJdbcConnectionProvider provider = provider();
            ResilientBatchWriter writer = writer(table, new ProbeBeforeEachBatch(provider));
            for (int b = 0; b < BATCHES; b++) {
                writer.write(rows(b), totals(b + BATCHES));
            }
            provider.closeConnection();
        });
        System.out.printf("xact_commit: connect and close %d; %d batches by the job's writer %d (%d per batch); "
                + "the same with the connector's validity probe before each batch %d%n", connectionOnly, BATCHES,
                writing, (writing - connectionOnly) / BATCHES, probing);
        assertThat(writing - connectionOnly).as("commits of %d batches", BATCHES).isEqualTo(BATCHES);
        assertThat(probing - connectionOnly).as("with a probe before each batch (the cause)").isGreaterThan(BATCHES);
    }

    /** Work on the database whose commits are counted. */
    private interface Work {
        void run() throws Exception;
    }

    /** How far {@code work} raised the database's xact_commit, read once it settled after the work. */
    private static long commitsOf(Work work) throws Exception {
        long before = settledCommits();
        work.run();
        return settledCommits() - before;
    }

    /**
     * The database's commit count once no backend is connected to it (a backend reports its counts
     * when it exits) and the count read three times over at least 1.5 s is the same (PostgreSQL 14's
     * statistics collector applies reports asynchronously and serves a snapshot up to 0.5 s old).
     */
    private static long settledCommits() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection monitor = connect("postgres")) {
            long value = -1;
            long since = 0;
            int same = 0;
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                long read = backends(monitor) == 0 ? commits(monitor) : -1;
                if (read >= 0 && read == value) {
                    same++;
                    if (same >= 3 && now - since >= TimeUnit.MILLISECONDS.toNanos(1500)) {
                        return value;
                    }
                } else {
                    value = read;
                    since = now;
                    same = 1;
                }
                TimeUnit.MILLISECONDS.sleep(250); // poll interval, not a wait for a result
            }
        }
        throw new AssertionError("xact_commit of " + DATABASE + " did not settle in 30 s");
    }

    private static long commits(Connection monitor) throws SQLException {
        return single(monitor, "SELECT xact_commit FROM pg_stat_database WHERE datname = ?");
    }

    private static long backends(Connection monitor) throws SQLException {
        return single(monitor, "SELECT count(*) FROM pg_stat_activity WHERE datname = ?");
    }

    private static long single(Connection monitor, String sql) throws SQLException {
        try (Statement clear = monitor.createStatement()) {
            clear.execute("SELECT pg_stat_clear_snapshot()");
        }
        try (PreparedStatement ps = monitor.prepareStatement(sql)) {
            ps.setString(1, DATABASE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static ResilientBatchWriter writer(TotalsTable table, ResilientBatchWriter.Connections connections) {
        return new ResilientBatchWriter(table, connections, RetryPolicy.defaults(),
                new CircuitBreaker(3, 1_000, 15_000, System::currentTimeMillis), Thread::sleep, () -> 0.5);
    }

    private static ProviderConnections connections() {
        return new ProviderConnections(provider());
    }

    private static SimpleJdbcConnectionProvider provider() {
        return new SimpleJdbcConnectionProvider(new DatabaseSettings(url(DATABASE), "postgres", null, "unused")
                .connectionOptions());
    }

    private static List<RowKey> rows(int batch) {
        List<RowKey> rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            rows.add(new RowKey("/p/" + r, "view", 60_000L * batch));
        }
        return rows;
    }

    private static long[] totals(int batch) {
        long[] totals = new long[ROWS];
        java.util.Arrays.fill(totals, batch + 1);
        return totals;
    }

    private static String url(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    private static Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(url(database), p);
    }

    /** The connector's own use of its provider: {@code getOrEstablishConnection()} (a validity probe) per batch. */
    private static final class ProbeBeforeEachBatch implements ResilientBatchWriter.Connections {
        private final SimpleJdbcConnectionProvider provider;

        ProbeBeforeEachBatch(SimpleJdbcConnectionProvider provider) {
            this.provider = provider;
        }

        @Override
        public Connection get() throws SQLException {
            try {
                return provider.getOrEstablishConnection();
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void reset() {
            provider.closeConnection();
        }
    }
}
