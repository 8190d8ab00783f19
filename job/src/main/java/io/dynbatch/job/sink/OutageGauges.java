package io.dynbatch.job.sink;

import org.apache.flink.metrics.MetricGroup;

/**
 * The gauges that show a database outage, the same for every writer: {@code circuitBreakerState}
 * (0 closed, 1 half-open, 2 open), {@code millisSinceLastCommit} and {@code outageMillis} (how long
 * the database has been failing; 0 while it answers).
 */
public final class OutageGauges {

    private OutageGauges() {}

    public static void register(MetricGroup group, RetryingTransactions transactions) {
        group.gauge("circuitBreakerState", () -> transactions.breaker().state().code());
        group.gauge("millisSinceLastCommit", transactions::millisSinceLastCommit);
        group.gauge("outageMillis", transactions::outageMillis);
    }
}
