package io.dynbatch.job.sink;

import io.dynbatch.job.model.ArmIntervalReport;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * The {@code ab_report} table (one row per arm and interval) and the sink that fills it ({@link
 * SideTableSink}: at-least-once, rides out outages, never fails the task over a row).
 */
public final class AbReportTable {

    private final String name;

    public AbReportTable(String name) {
        this.name = SqlIdentifiers.requireTableName(name);
    }

    public void createIfAbsent(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " ("
                    + "arm text NOT NULL, interval_start timestamptz NOT NULL, interval_s integer NOT NULL, "
                    + "events bigint NOT NULL, batches bigint NOT NULL, transactions bigint NOT NULL, "
                    + "rows_written bigint NOT NULL, db_ms bigint NOT NULL, db_ms_per_1k double precision NOT NULL, "
                    + "cost_per_1k double precision NOT NULL, p50_ms bigint NOT NULL, p95_ms bigint NOT NULL, "
                    + "p99_ms bigint NOT NULL, max_ms bigint NOT NULL, slo_ms bigint NOT NULL, slo_met boolean NOT NULL, "
                    + "recorded_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    /** The insert the sink runs. */
    String insertStatement() {
        return "INSERT INTO " + name + " (arm, interval_start, interval_s, events, batches, transactions, "
                + "rows_written, db_ms, db_ms_per_1k, cost_per_1k, p50_ms, p95_ms, p99_ms, max_ms, slo_ms, slo_met) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** Binds one report to {@link #insertStatement()}. */
    static JdbcStatementBuilder<ArmIntervalReport> binder() {
        return (ps, r) -> {
            ps.setString(1, r.arm);
            ps.setTimestamp(2, new Timestamp(r.intervalStart));
            ps.setInt(3, r.intervalSeconds);
            ps.setLong(4, r.events);
            ps.setLong(5, r.batches);
            ps.setLong(6, r.transactions);
            ps.setLong(7, r.rows);
            ps.setLong(8, r.dbMillis);
            ps.setDouble(9, r.dbMillisPer1kEvents);
            ps.setDouble(10, r.costPer1kEvents);
            ps.setLong(11, r.p50Millis);
            ps.setLong(12, r.p95Millis);
            ps.setLong(13, r.p99Millis);
            ps.setLong(14, r.maxMillis);
            ps.setLong(15, r.sloMillis);
            ps.setBoolean(16, r.sloMet);
        };
    }

    /** A report the database refused, with the arm label printable and the interval start clamped. */
    static ArmIntervalReport residue(ArmIntervalReport r) {
        ArmIntervalReport c = r.copy();
        c.arm = Residue.printable(r.arm);
        c.intervalStart = Residue.timestamp(r.intervalStart);
        return c;
    }

    /** The sink: batches of up to 100 reports, written at least every second and before every checkpoint. */
    public SideTableSink<ArmIntervalReport> sink(DatabaseSettings database, RetryPolicy retryPolicy) {
        return new SideTableSink<>(database, new TableRows<>(name, insertStatement(), binder(), AbReportTable::residue),
                100, Duration.ofSeconds(1), retryPolicy);
    }
}
