package io.dynbatch.job.kafka;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the Kafka ITCases read from a dead-letter table. */
final class DeadLetterQueries {

    private DeadLetterQueries() {}

    /** Events dead-lettered per reason (a rejected row stands for its row's events). */
    static Map<String, Long> eventsByReason(Connection c, String table) throws SQLException {
        return perReason(c, "SELECT reason, sum(events) FROM " + table + " GROUP BY reason");
    }

    /** Dead-letter rows per reason. */
    static Map<String, Long> rowsByReason(Connection c, String table) throws SQLException {
        return perReason(c, "SELECT reason, count(*) FROM " + table + " GROUP BY reason");
    }

    /** Every row of {@code sql}'s result, each column as text. */
    static List<String[]> query(Connection c, String sql) throws SQLException {
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

    private static Map<String, Long> perReason(Connection c, String sql) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        for (String[] row : query(c, sql)) {
            counts.put(row[0], Long.parseLong(row[1]));
        }
        return counts;
    }
}
