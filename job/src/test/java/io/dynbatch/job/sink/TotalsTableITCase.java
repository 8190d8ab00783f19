package io.dynbatch.job.sink;

import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.model.RowKey;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The monotone absolute-total upsert on a real PostgreSQL: replays are idempotent, totals never decrease. */
class TotalsTableITCase {

    private static final RowKey A = new RowKey("/p/1", "view", 1_700_000_040_000L - 1_700_000_040_000L % 60_000);
    private static final RowKey B = new RowKey("/p/2", "click", A.minute);

    @Test
    void absoluteTotalsWithAMonotoneGuardAreReplaySafe() throws Exception {
        TotalsTable table = new TotalsTable(PostgresForTests.uniqueName("tt"));
        try (Connection c = PostgresForTests.connect()) {
            table.createIfAbsent(c);
            assertThat(table.upsertTotals(c, List.of(A, B), new long[] {5, 3})).isEqualTo(2);
            assertThat(table.upsertTotals(c, List.of(A, B), new long[] {5, 3})).as("replay").isZero();
            assertThat(table.upsertTotals(c, List.of(A), new long[] {4})).as("older total").isZero();
            assertThat(table.upsertTotals(c, List.of(A), new long[] {9})).isEqualTo(1);
            assertThat(table.readAll(c)).isEqualTo(Map.of(A, 9L, B, 3L));
            assertThat(table.sumEvents(c)).isEqualTo(12);
        }
    }
}
