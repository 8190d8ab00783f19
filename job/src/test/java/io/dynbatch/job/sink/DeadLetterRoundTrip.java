package io.dynbatch.job.sink;

import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.text.StorableText;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes dead letters into a real PostgreSQL table with the sink's own statement and binder, in JDBC
 * batches, and reads every row back: it must be there, and decode (by its encoding columns) to exactly
 * the dead letter it came from. A batch the database refuses is retried row by row to name the dead
 * letter it refused. Each dead letter needs its own {@link DeadLetter#dedupeKey} (rows are found by it).
 */
final class DeadLetterRoundTrip {

    private final Connection connection;
    private final DeadLetterTable table;
    private final String name;
    private final Map<String, DeadLetter> pending = new LinkedHashMap<>();
    private long checked;

    DeadLetterRoundTrip(Connection connection, String name) throws SQLException {
        this.connection = connection;
        this.name = name;
        this.table = new DeadLetterTable(name);
        table.createOrUpgrade(connection);
    }

    void add(DeadLetter d) {
        if (pending.put(Objects.requireNonNull(d.dedupeKey), d) != null) {
            throw new IllegalArgumentException("dedupe key used twice: " + d.dedupeKey);
        }
    }

    int pendingCount() {
        return pending.size();
    }

    /** Dead letters written and read back so far. */
    long checked() {
        return checked;
    }

    /** Inserts the pending dead letters in one batch and checks each row read back. */
    void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(table.insertStatement())) {
            for (DeadLetter d : pending.values()) {
                DeadLetterTable.binder().accept(ps, d);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (BatchUpdateException e) {
            throw new AssertionError("the database refused a dead letter: " + findRefused(), e);
        }
        List<String> keys = new ArrayList<>(pending.keySet());
        int found = 0;
        try (PreparedStatement ps = connection.prepareStatement("SELECT dedupe_key, reason, detail, detail_encoding, "
                + "payload, payload_encoding, payload_length, events, arm FROM " + name + " WHERE dedupe_key = ANY (?)")) {
            ps.setArray(1, connection.createArrayOf("text", keys.stream().map(StorableText::storable).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found++;
                    DeadLetter d = pending.get(StorableText.unescape(rs.getString(1)));
                    if (d == null) {
                        throw new AssertionError("a row for no dead letter: " + rs.getString(1));
                    }
                    check(d, rs);
                }
            }
        }
        if (found != keys.size()) {
            throw new AssertionError(found + " rows for " + keys.size() + " dead letters");
        }
        checked += found;
        pending.clear();
    }

    private static void check(DeadLetter d, ResultSet rs) throws SQLException {
        String what = " of " + describe(d);
        expect("reason" + what, StorableText.storable(d.reason), rs.getString(2));
        expect("detail" + what, d.detail, decode(rs.getString(3), rs.getString(4)));
        String payloadEncoding = rs.getString(6);
        boolean hex = StorableText.HEX.equals(d.payloadEncoding);
        expect("payload encoding" + what, hex ? StorableText.HEX
                : d.payload == null || StorableText.isStorable(d.payload) ? StorableText.TEXT : StorableText.ESCAPED,
                payloadEncoding);
        expect("payload" + what, d.payload, hex ? rs.getString(5) : decode(rs.getString(5), payloadEncoding));
        expect("payload length" + what, String.valueOf(d.payloadLength), rs.getString(7));
        expect("events" + what, String.valueOf(d.events), rs.getString(8));
        expect("arm" + what, StorableText.storable(d.arm), rs.getString(9));
    }

    private static String decode(String stored, String encoding) {
        return stored == null || StorableText.TEXT.equals(encoding) ? stored : StorableText.unescape(stored);
    }

    private static void expect(String what, String expected, String actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + ": expected " + escapeAll(expected) + " but read " + escapeAll(actual));
        }
    }

    /** The first pending dead letter the database refuses on its own, rolled back after the try. */
    private String findRefused() throws SQLException {
        for (DeadLetter d : pending.values()) {
            try (PreparedStatement ps = connection.prepareStatement(table.insertStatement())) {
                DeadLetterTable.binder().accept(ps, d);
                ps.executeUpdate();
            } catch (SQLException e) {
                return describe(d) + " (" + e.getMessage() + ")";
            }
        }
        return "none on its own";
    }

    static String describe(DeadLetter d) {
        return "DeadLetter{reason=" + escapeAll(d.reason) + ", detail=" + escapeAll(d.detail) + ", payload="
                + escapeAll(d.payload) + ", encoding=" + d.payloadEncoding + ", key=" + escapeAll(d.dedupeKey) + "}";
    }

    /** Every char outside printable ASCII as \\uXXXX, so a message shows exactly what was there. */
    private static String escapeAll(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.length() > 300 ? out.substring(0, 300) + "..." : out.toString();
    }
}
