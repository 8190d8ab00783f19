package io.dynbatch.job.sink;

import io.dynbatch.job.model.RowKey;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics table of per-minute totals, {@code (page, event_type, minute) -> events}, and the
 * one statement that writes a batch of them.
 *
 * <p>The write is replay-safe: it upserts <em>absolute</em> totals with a monotone guard ({@code
 * ... DO UPDATE ... WHERE table.events < EXCLUDED.events}), so writing the same or an older total
 * again changes nothing, a total in the table never decreases, and after a replay from a
 * checkpoint the table converges to exactly the totals of the events processed. All rows of a
 * batch go in one {@code INSERT ... SELECT FROM unnest(arrays)} statement (one round trip,
 * whatever the batch size); rows must be distinct within a batch.
 */
public final class TotalsTable {

    private final String name;
    private final String upsertSql;

    public TotalsTable(String name) {
        this.name = SqlIdentifiers.requireTableName(name);
        this.upsertSql = "INSERT INTO " + this.name + " AS t (page, event_type, minute, events, updated_at) "
                + "SELECT u.page, u.event_type, to_timestamp(u.minute_ms / 1000), u.events, now() "
                + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[]) AS u(page, event_type, minute_ms, events) "
                + "ON CONFLICT (page, event_type, minute) DO UPDATE "
                + "SET events = EXCLUDED.events, updated_at = EXCLUDED.updated_at "
                + "WHERE t.events < EXCLUDED.events";
    }

    public String name() {
        return name;
    }

    /** Creates the table if it does not exist. */
    public void createIfAbsent(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + name + " ("
                    + "page text NOT NULL, "
                    + "event_type text NOT NULL, "
                    + "minute timestamptz NOT NULL, "
                    + "events bigint NOT NULL CHECK (events >= 0), "
                    + "updated_at timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (page, event_type, minute))");
        }
    }

    /**
     * Upserts the given absolute totals in one statement, without committing (the caller owns the
     * transaction). {@code rows} must be distinct.
     *
     * @return the number of rows inserted or raised (rows whose total was already at least as
     *     high are left alone and not counted)
     */
    public int upsertTotals(Connection connection, List<RowKey> rows, long[] totals) throws SQLException {
        int n = rows.size();
        String[] pages = new String[n];
        String[] types = new String[n];
        Long[] minutes = new Long[n];
        Long[] events = new Long[n];
        for (int i = 0; i < n; i++) {
            RowKey row = rows.get(i);
            pages[i] = row.page;
            types[i] = row.eventType;
            minutes[i] = row.minute;
            events[i] = totals[i];
        }
        try (PreparedStatement ps = connection.prepareStatement(upsertSql)) {
            Array a1 = connection.createArrayOf("text", pages);
            Array a2 = connection.createArrayOf("text", types);
            Array a3 = connection.createArrayOf("bigint", minutes);
            Array a4 = connection.createArrayOf("bigint", events);
            ps.setArray(1, a1);
            ps.setArray(2, a2);
            ps.setArray(3, a3);
            ps.setArray(4, a4);
            return ps.executeUpdate();
        }
    }

    /** All totals in the table (for tests and the end-of-run check). */
    public Map<RowKey, Long> readAll(Connection connection) throws SQLException {
        Map<RowKey, Long> totals = new HashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT page, event_type, minute, events FROM " + name)) {
            while (rs.next()) {
                Timestamp minute = rs.getTimestamp(3);
                totals.put(new RowKey(rs.getString(1), rs.getString(2), minute.getTime()), rs.getLong(4));
            }
        }
        return totals;
    }

    /** Sum of all totals (for the end-of-run check). */
    public long sumEvents(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(sum(events), 0) FROM " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
