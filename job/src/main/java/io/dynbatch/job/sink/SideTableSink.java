package io.dynbatch.job.sink;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Sink V2 for the job's small side tables (dead letters, A/B reports), written through the
 * project's own {@link SideTableWriter} instead of flink-connector-jdbc's {@code JdbcSink}.
 *
 * <p>Guarantees: at-least-once (rows are buffered and written before every checkpoint barrier, at
 * end of input, when {@code batchSize} rows are buffered and {@code flushInterval} after the first
 * buffered row); a database outage blocks the writer (backpressure) for up to the retry policy's
 * outage limit, after which the write fails the task as any other failure; a row the database
 * refuses on content is recorded as its residue, never a task failure; {@link SinkWriter#close()}
 * never throws, so a task that fails or is cancelled during an outage closes cleanly (the buffered
 * rows are replayed from the last checkpoint). Metrics under {@code dynbatch.sink.<table>}: rows
 * written, residues, unstorable rows, transactions, retries, and the {@link OutageGauges}.
 */
public final class SideTableSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final DatabaseSettings database;
    private final TableRows<T> rows;
    private final int batchSize;
    private final long flushIntervalMillis;
    private final RetryPolicy retryPolicy;

    public SideTableSink(DatabaseSettings database, TableRows<T> rows, int batchSize, Duration flushInterval,
            RetryPolicy retryPolicy) {
        if (batchSize < 1 || flushInterval.isNegative()) {
            throw new IllegalArgumentException("need batchSize >= 1 and flushInterval >= 0");
        }
        this.database = database;
        this.rows = rows;
        this.batchSize = batchSize;
        this.flushIntervalMillis = flushInterval.toMillis();
        this.retryPolicy = retryPolicy;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ProviderConnections connections =
                new ProviderConnections(new SimpleJdbcConnectionProvider(database.connectionOptions()));
        RetryingTransactions transactions = new RetryingTransactions(connections, retryPolicy,
                retryPolicy.newCircuitBreaker(System::currentTimeMillis), Thread::sleep,
                () -> ThreadLocalRandom.current().nextDouble(), System::currentTimeMillis);
        TypeSerializer<T> copier = context.isObjectReuseEnabled() ? context.createInputSerializer() : null;
        return new Writer<>(new SideTableWriter<>(rows, transactions), connections, context.getProcessingTimeService(),
                context.metricGroup().addGroup("dynbatch").addGroup("sink", rows.table()), copier, batchSize,
                flushIntervalMillis);
    }

    /** Buffers rows and writes them in batches on the task thread. */
    static final class Writer<T> implements SinkWriter<T> {

        private static final Logger LOG = LoggerFactory.getLogger(SideTableSink.class);

        private final SideTableWriter<T> writer;
        private final ProviderConnections connections;
        private final ProcessingTimeService timers;
        private final TypeSerializer<T> copier;
        private final int batchSize;
        private final long flushIntervalMillis;
        private final List<T> buffer = new ArrayList<>();
        private final Counter rowsWritten;
        private final Counter residues;
        private final Counter unstorable;
        private final Counter transactions;
        private final Counter retries;
        private boolean timerPending;

        Writer(SideTableWriter<T> writer, ProviderConnections connections, ProcessingTimeService timers,
                MetricGroup metrics, TypeSerializer<T> copier, int batchSize, long flushIntervalMillis) {
            this.writer = writer;
            this.connections = connections;
            this.timers = timers;
            this.copier = copier;
            this.batchSize = batchSize;
            this.flushIntervalMillis = flushIntervalMillis;
            this.rowsWritten = metrics.counter("rowsWritten");
            this.residues = metrics.counter("residueRows");
            this.unstorable = metrics.counter("unstorableRows");
            this.transactions = metrics.counter("transactions");
            this.retries = metrics.counter("writeRetries");
            OutageGauges.register(metrics, writer.transactions());
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            buffer.add(copier == null ? element : copier.copy(element));
            if (buffer.size() >= batchSize) {
                writeBuffer();
            } else if (!timerPending) {
                timerPending = true;
                timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMillis, time -> {
                    timerPending = false;
                    writeBuffer();
                });
            }
        }

        /** Called before every checkpoint barrier and at end of input: nothing stays buffered. */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writeBuffer();
        }

        private void writeBuffer() throws IOException, InterruptedException {
            if (buffer.isEmpty()) {
                return;
            }
            try {
                SideTableWriter.Outcome outcome = writer.write(buffer);
                rowsWritten.inc(buffer.size() - outcome.unstorable);
                residues.inc(outcome.residues);
                unstorable.inc(outcome.unstorable);
                transactions.inc(outcome.transactions);
                retries.inc(outcome.retries);
                buffer.clear();
            } catch (SQLException e) {
                throw new IOException("writing " + buffer.size() + " rows failed", e);
            }
        }

        /**
         * Closes the connection and nothing else: at end of input {@link #flush} has written every
         * row; after a failure or cancellation the buffered rows are replayed from the checkpoint.
         * Never throws.
         */
        @Override
        public void close() {
            if (!buffer.isEmpty()) {
                LOG.info("Closing with {} unwritten rows (replayed from the last checkpoint)", buffer.size());
            }
            buffer.clear();
            connections.close();
        }
    }
}
