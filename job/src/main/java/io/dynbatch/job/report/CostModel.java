package io.dynbatch.job.report;

import java.io.Serializable;

/**
 * A simple model of what writes cost the database, in "DB-ms equivalents": a fixed cost per
 * committed transaction (commit, WAL flush, round trip) plus a cost per row written. Defaults are
 * this machine's loopback PostgreSQL 15 measurements (about 4k single-row commits/s and ~105k rows/s
 * in one unnest upsert): 0.25 ms per transaction and 0.0095 ms per row.
 */
public final class CostModel implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double perTransactionMs;
    private final double perRowMs;

    public CostModel(double perTransactionMs, double perRowMs) {
        if (perTransactionMs < 0 || perRowMs < 0) {
            throw new IllegalArgumentException("costs must be >= 0");
        }
        this.perTransactionMs = perTransactionMs;
        this.perRowMs = perRowMs;
    }

    public static CostModel defaults() {
        return new CostModel(0.25, 0.0095);
    }

    /** Modelled cost of {@code transactions} and {@code rows}, per 1,000 of {@code events}. */
    public double costPer1kEvents(long transactions, long rows, long events) {
        return events == 0 ? 0 : (transactions * perTransactionMs + rows * perRowMs) * 1000.0 / events;
    }
}
