package io.dynbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import io.dynbatch.e2e.Poll.Attempt;
import io.dynbatch.e2e.PrometheusText.Sample;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment smoke test: deploy/local-cluster.sh assembles a standalone Flink cluster from
 * Maven artifacts, starts a JobManager and a TaskManager with deploy/flink/config.yaml (RocksDB,
 * Prometheus reporter), submits the shaded job jar with the real Flink CLI ({@code flink run -d}),
 * and the test checks, against the PostgreSQL at 127.0.0.1:5432:
 * <ol>
 *   <li>the job and all its vertices reach RUNNING (REST API);</li>
 *   <li>rows appear in a fresh totals table;</li>
 *   <li>the job's custom metrics (the adaptive trigger's gauges and the A/B comparator's report
 *       gauges included) are visible through the REST API (as in the web UI) and on the
 *       TaskManager's Prometheus endpoint, a checkpoint completes, and every arm gets a first A/B
 *       report;</li>
 *   <li>every metric the Grafana dashboard queries is exported by the running job (JobManager and
 *       TaskManager endpoints), and every selector and grouping label of every query matches
 *       exported series, so the dashboard cannot drift from the job;</li>
 *   <li>{@code flink stop --savepointPath} succeeds and the savepoint exists; the job restarts from
 *       it ({@code flink run -s}) and keeps writing; a second stop-with-savepoint succeeds.</li>
 * </ol>
 * Every wait polls a condition with a deadline; the cluster is stopped in all cases.
 */
class StandaloneClusterSmokeITCase {

    static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String JDBC_USER = "postgres";

    /** Custom metrics the job exports today, as Flink's Prometheus reporter names them. */
    static final List<String> CUSTOM_PROMETHEUS_METRICS = List.of(
            "flink_taskmanager_job_task_operator_dynbatch_arm_batchSize",
            "flink_taskmanager_job_task_operator_dynbatch_arm_reason_flushes",
            "flink_taskmanager_job_task_operator_dynbatch_arm_eventsWritten",
            "flink_taskmanager_job_task_operator_dynbatch_arm_rowsWritten",
            "flink_taskmanager_job_task_operator_dynbatch_arm_transactions",
            "flink_taskmanager_job_task_operator_dynbatch_arm_writeRetries",
            "flink_taskmanager_job_task_operator_dynbatch_arm_dbMillis",
            "flink_taskmanager_job_task_operator_dynbatch_arm_writeMillis",
            "flink_taskmanager_job_task_operator_dynbatch_parsedEvents",
            "flink_taskmanager_job_task_operator_dynbatch_deadLetters",
            // the adaptive trigger's gauges (arm=adaptive)
            "flink_taskmanager_job_task_operator_dynbatch_arm_targetSize",
            "flink_taskmanager_job_task_operator_dynbatch_arm_deadlineMillis",
            "flink_taskmanager_job_task_operator_dynbatch_arm_costPerCallMillis",
            "flink_taskmanager_job_task_operator_dynbatch_arm_costPerElementMicros",
            "flink_taskmanager_job_task_operator_dynbatch_arm_writerUtilisation",
            "flink_taskmanager_job_task_operator_dynbatch_arm_pendingCount",
            // the A/B comparator's latest report per arm (operator ab-comparator)
            "flink_taskmanager_job_task_operator_dynbatch_arm_reportP99Millis",
            "flink_taskmanager_job_task_operator_dynbatch_arm_reportSloMet",
            "flink_taskmanager_job_task_operator_dynbatch_arm_reportDbMillisPer1kEvents",
            "flink_taskmanager_job_task_operator_dynbatch_arm_reportCostPer1kEvents",
            "flink_taskmanager_job_task_operator_dynbatch_arm_reportTransactions");

    /** The same metrics in the REST API: ids end with these (after "<operator>." of their vertex). */
    static final List<String> CUSTOM_REST_METRICS = List.of(
            "dynbatch.arm.static.batchSize_p99",
            "dynbatch.arm.static.reason.max_delay.flushes",
            "dynbatch.arm.static.eventsWritten",
            "dynbatch.arm.static.rowsWritten",
            "dynbatch.arm.static.transactions",
            "dynbatch.arm.static.writeRetries",
            "dynbatch.arm.static.dbMillis",
            "dynbatch.arm.static.writeMillis_p99",
            "dynbatch.parsedEvents",
            "dynbatch.deadLetters",
            "dynbatch.arm.adaptive.targetSize",
            "dynbatch.arm.adaptive.deadlineMillis",
            "dynbatch.arm.adaptive.costPerCallMillis",
            "dynbatch.arm.adaptive.costPerElementMicros",
            "dynbatch.arm.adaptive.writerUtilisation",
            "dynbatch.arm.adaptive.pendingCount",
            "dynbatch.arm.static.reportP99Millis",
            "dynbatch.arm.adaptive.reportP99Millis",
            "dynbatch.arm.static.reportSloMet",
            "dynbatch.arm.static.reportDbMillisPer1kEvents",
            "dynbatch.arm.static.reportCostPer1kEvents",
            "dynbatch.arm.static.reportTransactions");

    /** The arms the smoke test runs (shadow mode: each writes its own table and is reported separately). */
    static final List<String> ARMS = List.of("static", "adaptive");

    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void flinkRunOnStandaloneClusterWritesRowsExportsMetricsAndStopsWithSavepoint() throws Exception {
        assumePostgresReachable();
        Path jar = jobJar();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String table = "e2e_totals_" + suffix;
        String deadLetters = "e2e_dead_letters_" + suffix;
        String report = "e2e_ab_report_" + suffix;
        Path dir = Path.of(System.getProperty("dynbatch.e2e.dir", "target/e2e")).toAbsolutePath().resolve("cluster");

        // Closed in reverse order: the cluster goes down first, then the tables are dropped.
        // Both A/B arms run (shadow mode): each writes <table>_<arm>; the static arm's table is checked.
        try (Tables tables = new Tables(table + "_static", table + "_adaptive", deadLetters, report);
                ClusterScript cluster = new ClusterScript(Repo.root(), dir)) {
            cluster.run(300, "start"); // the first run also assembles lib/ from Maven
            Map<String, String> env = cluster.clusterEnv();
            FlinkRest rest = new FlinkRest(env.get("REST_URL"));
            System.out.println("Flink web UI: " + env.get("REST_URL"));

            List<String> jobArgs = List.of(
                    "--jdbc-url", JDBC_URL, "--jdbc-user", JDBC_USER,
                    "--table", table, "--dead-letter-table", deadLetters, "--report-table", report,
                    "--arms", String.join(",", ARMS),
                    "--events", "3000000", "--duration", "10min", "--start-delay", "1s",
                    "--checkpoint-interval", "3s", "--batch-delay", "500ms", "--jitter", "50ms");
            String jobId = submit(cluster, jar, null, jobArgs);

            // 1. RUNNING, every vertex too (REST API)
            awaitRunning(rest, jobId);

            // 2. rows in the totals table
            long written = Poll.until("rows in " + table, STEP, () -> {
                long[] countAndSum = tables.countAndSum();
                return countAndSum[0] > 0 ? Attempt.done(countAndSum[1]) : Attempt.notYet("no rows yet");
            });
            System.out.println("Rows appeared in " + table + " (events so far: " + written + ")");

            // 3a. custom metrics through the REST API, with counts > 0
            Map<String, Double> restMetrics = Poll.until("the job's custom metrics in the REST API", STEP, () -> {
                Map<String, Double> sums = dynbatchRestMetrics(rest, jobId);
                List<String> missing = CUSTOM_REST_METRICS.stream()
                        .filter(suffixId -> sums.keySet().stream().noneMatch(id -> id.endsWith(suffixId)))
                        .toList();
                boolean counting = sum(sums, "dynbatch.arm.static.transactions") > 0
                        && sum(sums, "dynbatch.arm.static.eventsWritten") > 0
                        && sum(sums, "dynbatch.parsedEvents") > 0;
                return missing.isEmpty() && counting ? Attempt.done(sums)
                        : Attempt.notYet("missing " + missing + ", values " + sums);
            });
            System.out.println("REST API (summed over subtasks): " + restMetrics);

            // 3b. a completed checkpoint (RocksDB, incremental)
            Poll.until("a completed checkpoint", STEP, () -> {
                JsonNode counts = rest.get("/jobs/" + jobId + "/checkpoints").path("counts");
                return counts.path("completed").asInt() > 0 ? Attempt.done(true) : Attempt.notYet(counts.toString());
            });

            // 3c. the same metrics on the TaskManager's Prometheus endpoint, with labels arm / reason
            List<Sample> tmSamples = Poll.until("the job's custom metrics on " + env.get("TASKMANAGER_PROMETHEUS"),
                    STEP, () -> {
                        List<Sample> samples = PrometheusText.parse(rest.text(env.get("TASKMANAGER_PROMETHEUS")));
                        Set<String> names = PrometheusText.names(samples);
                        List<String> missing = CUSTOM_PROMETHEUS_METRICS.stream().filter(n -> !names.contains(n)).toList();
                        double transactions = samples.stream()
                                .filter(s -> s.name().equals("flink_taskmanager_job_task_operator_dynbatch_arm_transactions")
                                        && jobId.equals(s.labels().get("job_id")) && "static".equals(s.labels().get("arm")))
                                .mapToDouble(Sample::value).sum();
                        return missing.isEmpty() && transactions > 0 ? Attempt.done(samples)
                                : Attempt.notYet("missing " + missing + ", transactions{arm=static} = " + transactions);
                    });
            Set<String> reasons = tmSamples.stream()
                    .filter(s -> s.name().equals("flink_taskmanager_job_task_operator_dynbatch_arm_reason_flushes"))
                    .map(s -> s.labels().get("reason")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(reasons).contains("size", "max_delay", "end_of_input");
            Set<String> dynbatchNames = PrometheusText.names(tmSamples).stream().filter(n -> n.contains("_dynbatch_"))
                    .collect(Collectors.toCollection(TreeSet::new));
            System.out.println("Prometheus (TaskManager) dynbatch metrics: " + dynbatchNames);
            System.out.println("Prometheus (TaskManager) dynbatch metrics by arm and operator:");
            armsAndOperators(tmSamples, jobId).forEach((name, where) -> System.out.println("  " + name + " " + where));

            // 3d. a first A/B report for every arm (the comparator's gauges read 0 until then; the
            // dashboard shows an arm's report only once reportTransactions > 0)
            List<Sample> reported = Poll.until("a first A/B report of every arm on " + env.get("TASKMANAGER_PROMETHEUS"),
                    STEP, () -> {
                        List<Sample> samples = PrometheusText.parse(rest.text(env.get("TASKMANAGER_PROMETHEUS")));
                        Map<String, Double> transactions = reportGauge(samples, jobId, "reportTransactions");
                        boolean all = ARMS.stream().allMatch(arm -> transactions.getOrDefault(arm, 0.0) > 0);
                        return all ? Attempt.done(samples) : Attempt.notYet("reportTransactions per arm " + transactions);
                    });
            for (String gauge : List.of("reportTransactions", "reportP99Millis", "reportSloMet",
                    "reportDbMillisPer1kEvents", "reportCostPer1kEvents")) {
                System.out.println("A/B report " + gauge + " per arm: " + reportGauge(reported, jobId, gauge));
            }

            // 4. the dashboard queries only metrics the running job exports (JobManager + TaskManager), and
            // every selector and grouping label of every query matches the exported series
            List<Sample> jmSamples = PrometheusText.parse(rest.text(env.get("JOBMANAGER_PROMETHEUS")));
            List<Sample> allSamples = new ArrayList<>(reported);
            allSamples.addAll(jmSamples);
            Set<String> exported = new HashSet<>(PrometheusText.names(allSamples));
            Dashboard dashboard = Dashboard.load();
            assertThat(dashboard.queriesOfMissingMetrics(exported))
                    .as("dashboard queries of metrics the running job does not export (%s)", Dashboard.PATH)
                    .isEmpty();
            assertThat(dashboard.queriesSelectingNothing(allSamples))
                    .as("dashboard queries whose selectors or labels match no exported series (%s)", Dashboard.PATH)
                    .isEmpty();
            System.out.println("Dashboard: " + dashboard.queries().size() + " queries, all selecting exported series of "
                    + dashboard.metricNames());

            // 5. stop with a savepoint; it exists
            Path savepoint = stopWithSavepoint(cluster, rest, jobId);
            long atStop = tables.countAndSum()[1];

            // ... and the job resumes from it (the upgrade path: flink run -s) and keeps writing
            String resumed = submit(cluster, jar, savepoint, jobArgs);
            awaitRunning(rest, resumed);
            JsonNode restored = Poll.until("the resumed job to report its restore", STEP, () -> {
                JsonNode r = rest.get("/jobs/" + resumed + "/checkpoints").path("latest").path("restored");
                return r.isObject() ? Attempt.done(r) : Attempt.notYet("no restore reported yet");
            });
            assertThat(restored.path("external_path").asText()).contains(savepoint.getFileName().toString());
            long after = Poll.until("writes after the restore", STEP, () -> {
                long sum = tables.countAndSum()[1];
                return sum > atStop ? Attempt.done(sum) : Attempt.notYet("sum(events) still " + sum);
            });
            System.out.println("Resumed job " + resumed + " from " + savepoint + ": sum(events) " + atStop + " -> " + after);
            stopWithSavepoint(cluster, rest, resumed);

            System.out.println("flink CLI invocations (" + cluster.dir().resolve("log/cli-commands.log") + "):");
            System.out.println(Files.readString(cluster.dir().resolve("log/cli-commands.log")));
        }
    }

    private static String submit(ClusterScript cluster, Path jar, Path savepoint, List<String> jobArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit"));
        if (savepoint != null) {
            args.addAll(List.of("-s", savepoint.toUri().toString()));
        }
        args.add(jar.toString());
        args.addAll(jobArgs);
        String jobId = cluster.run(180, args.toArray(String[]::new)).value("JOB_ID");
        assertThat(jobId).matches("[0-9a-f]{32}");
        System.out.println("Submitted job " + jobId);
        return jobId;
    }

    private static void awaitRunning(FlinkRest rest, String jobId) throws InterruptedException {
        Poll.until("job " + jobId + " and all its vertices RUNNING", STEP, () -> {
            JsonNode job = rest.job(jobId);
            String state = job.path("state").asText();
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new AssertionError("job " + jobId + " is " + state + ": "
                        + rest.get("/jobs/" + jobId + "/exceptions").path("root-exception").asText());
            }
            List<String> notRunning = new ArrayList<>();
            for (JsonNode v : job.path("vertices")) {
                if (!v.path("status").asText().equals("RUNNING")) {
                    notRunning.add(v.path("name").asText() + "=" + v.path("status").asText());
                }
            }
            return state.equals("RUNNING") && notRunning.isEmpty() && job.path("vertices").size() > 0
                    ? Attempt.done(true) : Attempt.notYet("job " + state + ", vertices " + notRunning);
        });
    }

    private static Path stopWithSavepoint(ClusterScript cluster, FlinkRest rest, String jobId) throws Exception {
        String location = cluster.run(180, "stop-job", jobId).value("SAVEPOINT");
        Path savepoint = Path.of(URI.create(location)); // file:/... as Flink prints it
        assertThat(savepoint).isDirectory();
        assertThat(savepoint.resolve("_metadata")).isRegularFile();
        assertThat(Files.size(savepoint.resolve("_metadata"))).isPositive();
        Poll.until("job " + jobId + " FINISHED after stop-with-savepoint", STEP, () -> {
            String state = rest.job(jobId).path("state").asText();
            return state.equals("FINISHED") ? Attempt.done(true) : Attempt.notYet(state);
        });
        System.out.println("Stopped job " + jobId + " with savepoint " + savepoint);
        return savepoint;
    }

    /** Every metric id containing "dynbatch." on any vertex of the job, summed over subtasks. */
    private static Map<String, Double> dynbatchRestMetrics(FlinkRest rest, String jobId) throws Exception {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (JsonNode v : rest.job(jobId).path("vertices")) {
            String vertexId = v.path("id").asText();
            List<String> ids = new ArrayList<>();
            for (JsonNode m : rest.subtaskMetricIds(jobId, vertexId)) {
                String id = m.path("id").asText();
                if (id.contains("dynbatch.")) {
                    ids.add(id);
                }
            }
            if (!ids.isEmpty()) {
                for (JsonNode m : rest.subtaskMetricSums(jobId, vertexId, ids)) {
                    sums.put(m.path("id").asText(), m.path("sum").asDouble());
                }
            }
        }
        return sums;
    }

    /** One gauge of the A/B comparator, per arm, for the job. */
    private static Map<String, Double> reportGauge(List<Sample> samples, String jobId, String gauge) {
        Map<String, Double> perArm = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals("flink_taskmanager_job_task_operator_dynbatch_arm_" + gauge)
                    && jobId.equals(s.labels().get("job_id"))) {
                perArm.put(s.labels().get("arm"), s.value());
            }
        }
        return perArm;
    }

    /** Each dynbatch metric of the job -> "arm=[...] operator=[...]" (the label values it has). */
    static Map<String, String> armsAndOperators(List<Sample> samples, String jobId) {
        Map<String, Set<String>> arms = new TreeMap<>();
        Map<String, Set<String>> operators = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().contains("_dynbatch_") && jobId.equals(s.labels().get("job_id"))) {
                arms.computeIfAbsent(s.name(), n -> new TreeSet<>()).add(s.labels().getOrDefault("arm", "-"));
                operators.computeIfAbsent(s.name(), n -> new TreeSet<>()).add(s.labels().getOrDefault("operator_name", "-"));
            }
        }
        Map<String, String> out = new TreeMap<>();
        arms.forEach((name, a) -> out.put(name, "arm=" + a + " operator=" + operators.get(name)));
        return out;
    }

    private static double sum(Map<String, Double> sums, String idSuffix) {
        return sums.entrySet().stream().filter(e -> e.getKey().endsWith(idSuffix)).mapToDouble(Map.Entry::getValue).sum();
    }

    private static Path jobJar() {
        String configured = System.getProperty("dynbatch.job.jar");
        Path jar = configured != null ? Path.of(configured)
                : Repo.root().resolve("job/target/dynbatch-job-0.1.0-SNAPSHOT.jar");
        assertThat(jar).as("the shaded job jar (built by the job module before e2e)").isRegularFile();
        return jar.toAbsolutePath().normalize();
    }

    private static void assumePostgresReachable() {
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(JDBC_URL, JDBC_USER, null)) {
            c.isValid(5);
        } catch (SQLException e) {
            Assumptions.abort("SKIPPED: no PostgreSQL reachable at " + JDBC_URL + " as " + JDBC_USER + " ("
                    + e.getMessage() + "). The deployment smoke test needs one (trust auth, database test).");
        }
    }

    /** The test's own tables: unique names, dropped at the end. */
    private static final class Tables implements AutoCloseable {
        private final String totals;
        private final List<String> all;

        /** {@code totals} is the one {@link #countAndSum} reads; all are dropped. */
        Tables(String totals, String... others) {
            this.totals = totals;
            this.all = new ArrayList<>(List.of(totals));
            this.all.addAll(List.of(others));
        }

        long[] countAndSum() throws SQLException {
            try (Connection c = DriverManager.getConnection(JDBC_URL, JDBC_USER, null);
                    Statement s = c.createStatement()) {
                ResultSet exists = s.executeQuery("SELECT to_regclass('" + totals + "') IS NOT NULL");
                exists.next();
                if (!exists.getBoolean(1)) {
                    return new long[] {0, 0};
                }
                ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(events), 0) FROM " + totals);
                r.next();
                return new long[] {r.getLong(1), r.getLong(2)};
            }
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = DriverManager.getConnection(JDBC_URL, JDBC_USER, null);
                    Statement s = c.createStatement()) {
                for (String t : all) {
                    s.execute("DROP TABLE IF EXISTS " + t);
                }
            }
        }
    }
}
