package io.dynbatch.job.sink;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SideTableSink.Writer} against a database that is not there (a closed port): it buffers,
 * schedules one flush timer, fails the write with one short cause chain once the outage limit has
 * passed, and closes without throwing afterwards.
 */
class SideTableSinkWriterTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Long> timers = new ArrayList<>();

    private final ProcessingTimeService timerService = new ProcessingTimeService() {
        @Override
        public long getCurrentProcessingTime() {
            return now.get();
        }

        @Override
        public ScheduledFuture<?> registerTimer(long time, ProcessingTimeCallback callback) {
            timers.add(time);
            return null;
        }
    };

    @Test
    void failsOnceTheOutageOutlastsTheLimitAndStillClosesCleanly() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ProviderConnections connections = new ProviderConnections(new SimpleJdbcConnectionProvider(
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/none")
                        .withDriverName("org.postgresql.Driver").build()));
        TableRows<String> rows = new TableRows<>("notes", "INSERT INTO notes VALUES (?)", (ps, s) -> ps.setString(1, s),
                s -> s);
        RetryingTransactions transactions = new RetryingTransactions(connections,
                RetryPolicy.forOutagesUpTo(Duration.ofSeconds(30)), new CircuitBreaker(3, 1_000, 15_000, now::get),
                now::addAndGet, () -> 0.5, now::get);
        SideTableSink.Writer<String> writer = new SideTableSink.Writer<>(new SideTableWriter<>(rows, transactions),
                connections, timerService, new UnregisteredMetricsGroup(), null, 3, 500);

        writer.write("a", null);
        writer.write("b", null);
        assertThat(timers).as("one flush timer for the buffered rows").containsExactly(now.get() + 500);

        long start = now.get();
        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("writing 2 rows failed")
                .satisfies(e -> {
                    int depth = 0;
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        depth++;
                    }
                    assertThat(depth).as("cause chain").isLessThanOrEqualTo(4);
                });
        assertThat(now.get() - start).as("waited out the limit").isGreaterThanOrEqualTo(30_000);
        assertThatCode(writer::close).doesNotThrowAnyException();
        assertThatCode(writer::close).as("twice").doesNotThrowAnyException();
    }
}
