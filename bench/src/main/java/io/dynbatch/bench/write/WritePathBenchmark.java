package io.dynbatch.bench.write;

import io.dynbatch.bench.Stats;
import io.dynbatch.job.model.EventType;
import io.dynbatch.job.model.RowKey;
import io.dynbatch.job.sink.CircuitBreaker;
import io.dynbatch.job.sink.ResilientBatchWriter;
import io.dynbatch.job.sink.RetryPolicy;
import io.dynbatch.job.sink.TotalsTable;

import org.apache.flink.connector.jdbc.internal.executor.JdbcBatchStatementExecutor;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.PrintStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rows/s and database time per 1,000 rows of the job's batch writer against the ways a Flink job
 * would otherwise write the same rows to PostgreSQL, per batch size:
 *
 * <ul>
 *   <li>{@link Method#UNNEST}: the job's writer, {@link ResilientBatchWriter} (one {@code INSERT ...
 *       SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE ... WHERE t.events < EXCLUDED.events}
 *       statement per batch, one transaction, commit);
 *   <li>{@link Method#EXECUTE_BATCH}: flink-connector-jdbc's own batch executor, the one its {@code
 *       JdbcSink} flushes with ({@code JdbcBatchStatementExecutor.simple}: {@code addBatch} per row,
 *       {@code executeBatch}), for the same upsert row by row, on a connection in auto-commit as
 *       {@code JdbcSink} leaves it;
 *   <li>{@link Method#EXECUTE_BATCH_REWRITE}: the same with the driver's {@code
 *       reWriteBatchedInserts=true} (multi-row VALUES), the usual tuning of that path;
 *   <li>{@link Method#COPY}: {@code COPY ... FROM STDIN (FORMAT csv)} through the driver's {@code
 *       CopyManager}, one transaction per batch: the practical limit of loading rows, though it can
 *       only insert (no upsert, no monotone guard).
 * </ul>
 *
 * <p>Every run writes into a fresh table of the job's schema (same primary key), which is dropped
 * afterwards. The {@code insert} scenario writes new rows (COPY's only case); the {@code update}
 * scenario then writes the same rows again with higher totals, the job's steady state. Time is wall
 * time around each batch's write and commit, as the writer thread sees it; rounds interleave the
 * methods.
 */
public final class WritePathBenchmark {

    /** How a batch is written. */
    public enum Method {
        UNNEST("job-writer-unnest"),
        EXECUTE_BATCH("jdbc-executeBatch"),
        EXECUTE_BATCH_REWRITE("jdbc-executeBatch-rewrite"),
        COPY("copy");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What to measure. */
    public record Settings(List<Integer> batchSizes, List<Method> methods, int rounds, long rowBudget, long minRows,
            boolean updates) {
        public static Settings full() {
            return new Settings(List.of(10, 100, 1_000, 10_000), List.of(Method.values()), 4, 100_000, 2_000, true);
        }

        public static Settings quick() {
            return new Settings(List.of(100), List.of(Method.values()), 1, 400, 200, true);
        }

        /** Rows per run: enough batches to average over, within the budget. */
        long rowsFor(int batchSize) {
            long rows = Math.max(minRows, Math.min(rowBudget, 50L * batchSize));
            if (batchSize >= 10_000) {
                rows = 2 * rowBudget;
            }
            return Math.max(batchSize, rows / batchSize * batchSize);
        }
    }

    /** One measured run. */
    public record Run(Method method, String scenario, int batchSize, int round, long rows, long batches, double seconds) {
        public double rowsPerSecond() {
            return rows / seconds;
        }

        public double millisPer1kRows() {
            return seconds * 1e3 / rows * 1_000;
        }
    }

    /** A method at one batch size, over the rounds. */
    public record Summary(Method method, String scenario, int batchSize, long rows, Stats rowsPerSecond, Stats millisPer1kRows,
            Stats ratioToCopy) {}

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssX").withZone(ZoneOffset.UTC);
    private static final long BASE_MINUTE = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final int MINUTES = 60;

    private final String url;
    private final PrintStream log;
    private final List<Run> runs = new ArrayList<>();

    public WritePathBenchmark(String url, PrintStream log) {
        this.url = url;
        this.log = log;
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Summary> run(Settings s) throws Exception {
        // warm-up: JIT and the server's plan cache for every method, on a throwaway table
        for (Method m : s.methods()) {
            measure(m, Math.min(100, s.batchSizes().get(0)), 1_000, -1, s.updates());
        }
        for (int round = 0; round < s.rounds(); round++) {
            for (int n : s.batchSizes()) {
                List<Method> order = new ArrayList<>(s.methods());
                java.util.Collections.rotate(order, round);
                for (Method m : order) {
                    for (Run r : measure(m, n, s.rowsFor(n), round, s.updates())) {
                        runs.add(r);
                        log.printf(Locale.ROOT, "  round %d %-26s %-6s batch %-6d %,10.0f rows/s  %7.2f ms/1k rows%n",
                                round, m.label(), r.scenario(), n, r.rowsPerSecond(), r.millisPer1kRows());
                    }
                }
            }
        }
        List<Summary> out = new ArrayList<>();
        for (String scenario : List.of("insert", "update")) {
            for (int n : s.batchSizes()) {
                for (Method m : s.methods()) {
                    List<Run> mine = select(m, scenario, n);
                    if (mine.isEmpty()) {
                        continue;
                    }
                    double[] rate = mine.stream().mapToDouble(Run::rowsPerSecond).toArray();
                    double[] ms = mine.stream().mapToDouble(Run::millisPer1kRows).toArray();
                    List<Run> copy = select(Method.COPY, "insert", n);
                    Stats ratio = Stats.of();
                    if (copy.size() == mine.size()) {
                        double[] r = new double[mine.size()];
                        for (int i = 0; i < r.length; i++) {
                            r[i] = mine.get(i).rowsPerSecond() / copy.get(i).rowsPerSecond();
                        }
                        ratio = Stats.of(r);
                    }
                    out.add(new Summary(m, scenario, n, mine.get(0).rows(), Stats.of(rate), Stats.of(ms), ratio));
                }
            }
        }
        return out;
    }

    private List<Run> select(Method m, String scenario, int n) {
        return runs.stream().filter(r -> r.method() == m && r.scenario().equals(scenario) && r.batchSize() == n)
                .sorted(java.util.Comparator.comparingInt(Run::round)).toList();
    }

    /** Writes {@code rows} rows in batches of {@code n} into a fresh table (then again as updates). */
    private List<Run> measure(Method m, int n, long rows, int round, boolean updates) throws Exception {
        String table = "bench_w_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        TotalsTable totals = new TotalsTable(table);
        List<Run> out = new ArrayList<>();
        try (Connection c = connect(m == Method.EXECUTE_BATCH_REWRITE)) {
            totals.createIfAbsent(c);
            try {
                Writer writer = writer(m, c, totals);
                out.add(timed(m, "insert", n, rows, round, writer, 0));
                if (updates && m != Method.COPY) {
                    out.add(timed(m, "update", n, rows, round, writer, 1));
                }
                long expected = rows * (rows + 1) / 2 + (updates && m != Method.COPY ? rows : 0);
                long actual = totals.sumEvents(c);
                if (actual != expected) {
                    throw new IllegalStateException(m + ": table holds " + actual + " events, expected " + expected);
                }
            } finally {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
        return out;
    }

    private Run timed(Method m, String scenario, int n, long rows, int round, Writer writer, long raise) throws Exception {
        List<RowKey> batch = new ArrayList<>(n);
        long[] events = new long[n];
        long nanos = 0;
        long batches = 0;
        for (long first = 0; first < rows; first += n) {
            batch.clear();
            int size = (int) Math.min(n, rows - first);
            for (int i = 0; i < size; i++) {
                long id = first + i;
                batch.add(row(id));
                events[i] = id + 1 + raise; // distinct totals; the update raises each by one
            }
            long[] totals = size == n ? events : Arrays.copyOf(events, size);
            long t0 = System.nanoTime();
            writer.write(batch, totals);
            nanos += System.nanoTime() - t0;
            batches++;
        }
        return new Run(m, scenario, n, round, rows, batches, nanos / 1e9);
    }

    private static RowKey row(long id) {
        EventType[] types = EventType.values();
        int type = (int) (id % types.length);
        long rest = id / types.length;
        int minute = (int) (rest % MINUTES);
        long page = rest / MINUTES;
        return new RowKey("/p/" + page, types[type].wireName(), BASE_MINUTE + minute * 60_000L);
    }

    private Connection connect(boolean rewrite) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (rewrite) {
            p.setProperty("reWriteBatchedInserts", "true");
        }
        return DriverManager.getConnection(url, p);
    }

    /** Writes one batch, committed when it returns. */
    private interface Writer {
        void write(List<RowKey> rows, long[] totals) throws Exception;
    }

    private Writer writer(Method m, Connection c, TotalsTable totals) throws SQLException {
        switch (m) {
            case UNNEST: {
                ResilientBatchWriter w = new ResilientBatchWriter(totals, new ResilientBatchWriter.Connections() {
                    @Override
                    public Connection get() {
                        return c;
                    }

                    @Override
                    public void reset() {}
                }, RetryPolicy.defaults(), new CircuitBreaker(3, 1_000, 15_000, System::currentTimeMillis),
                        Thread::sleep, Math::random);
                return (rows, t) -> {
                    ResilientBatchWriter.Outcome o = w.write(rows, t);
                    if (!o.rejected.isEmpty() || o.transactions != 1) {
                        throw new IllegalStateException("unexpected outcome: " + o.transactions + " transactions");
                    }
                };
            }
            case EXECUTE_BATCH:
            case EXECUTE_BATCH_REWRITE: {
                c.setAutoCommit(true); // as JdbcSink leaves its connection
                String sql = "INSERT INTO " + totals.name() + " AS t (page, event_type, minute, events, updated_at) "
                        + "VALUES (?, ?, to_timestamp(?::bigint / 1000), ?, now()) "
                        + "ON CONFLICT (page, event_type, minute) DO UPDATE "
                        + "SET events = EXCLUDED.events, updated_at = EXCLUDED.updated_at "
                        + "WHERE t.events < EXCLUDED.events";
                JdbcBatchStatementExecutor<Object[]> exec = JdbcBatchStatementExecutor.simple(sql, (ps, r) -> {
                    RowKey k = (RowKey) r[0];
                    ps.setString(1, k.page);
                    ps.setString(2, k.eventType);
                    ps.setLong(3, k.minute);
                    ps.setLong(4, (Long) r[1]);
                });
                exec.prepareStatements(c);
                return (rows, t) -> {
                    for (int i = 0; i < rows.size(); i++) {
                        exec.addToBatch(new Object[] {rows.get(i), t[i]});
                    }
                    exec.executeBatch();
                };
            }
            case COPY: {
                c.setAutoCommit(false);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                String sql = "COPY " + totals.name() + " (page, event_type, minute, events) FROM STDIN WITH (FORMAT csv)";
                String[] minutes = new String[MINUTES];
                for (int i = 0; i < MINUTES; i++) {
                    minutes[i] = TS.format(Instant.ofEpochMilli(BASE_MINUTE + i * 60_000L));
                }
                StringBuilder sb = new StringBuilder();
                return (rows, t) -> {
                    sb.setLength(0);
                    for (int i = 0; i < rows.size(); i++) {
                        RowKey k = rows.get(i);
                        sb.append(k.page).append(',').append(k.eventType).append(',')
                                .append(minutes[(int) ((k.minute - BASE_MINUTE) / 60_000L)]).append(',').append(t[i]).append('\n');
                    }
                    copy.copyIn(sql, new StringReader(sb.toString()));
                    c.commit();
                };
            }
            default:
                throw new IllegalArgumentException(String.valueOf(m));
        }
    }
}
