package io.dynbatch.job;

import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.sink.RetryPolicy;
import io.dynbatch.job.sink.SqlIdentifiers;

import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job's configuration, from {@code --name value} arguments. Every option has a default that
 * runs the embedded demo; every value is checked here, at job-build time, with an error that names
 * the option. The database password is never an argument (arguments are shown in the Flink web
 * UI): it is read from the environment variable named by {@code --jdbc-password-env}.
 */
public final class JobOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String USAGE = String.join("\n",
            "Usage: dynbatch [--option value ...]   (no options: the embedded demo)",
            "  --kafka-bootstrap HOSTS   read the clickstream from Kafka (default: the built-in generator)",
            "  --kafka-topic NAME        (default: clicks)",
            "  --kafka-group ID          consumer group (default: dynbatch)",
            "  --kafka-starting-offsets  committed|earliest|latest (default: committed, else earliest)",
            "  --kafka-properties FILE   extra consumer properties, e.g. security settings (kept out of the args)",
            "  --allowed-lateness D      events older than watermark - D are dead-lettered as late (default: 1min)",
            "  --jdbc-url URL            PostgreSQL JDBC URL; default: start an embedded PostgreSQL",
            "  --jdbc-user NAME          database user (default: postgres)",
            "  --jdbc-password-env VAR   environment variable holding the password (default: DYNBATCH_JDBC_PASSWORD)",
            "  --table NAME              totals table (default: click_totals)",
            "  --dead-letter-table NAME  dead-letter table (default: dead_letters)",
            "  --report-table NAME       A/B report table, one row per arm and interval (default: ab_report)",
            "  --parallelism N           job parallelism (default: 2)",
            "  --shards N                write shards; fixed for the life of the tables, independent of parallelism (default: 4)",
            "  --max-parallelism N       key groups (default: 128)",
            "  --events N                events the generator produces (default: 600000)",
            "  --duration D              length of the compressed day, e.g. 90s (default: 90s)",
            "  --bursts N                traffic bursts in the day (default: 4)",
            "  --pages N                 distinct pages (default: 500)",
            "  --hot-share X             share of events on one hot row, skewing one shard (default: 0)",
            "  --seed N                  generator seed (default: 42)",
            "  --start-delay D           time from job build to the first event (default: 5s)",
            "  --arms LIST               A/B arms, comma-separated: static, adaptive, builtin, tumbling_1min",
            "                            (default: static,adaptive); each arm writes <table>_<arm> when there are several",
            "  --ab-mode MODE            shadow: every event to every arm; split: shards divided between arms;",
            "                            off: the first arm only (default: shadow)",
            "  --report-interval D       A/B report interval (default: 10s)",
            "  --slo D                   adaptive trigger: insight-latency SLO, ingest to commit (default: 2s)",
            "  --batch-size N            static trigger: flush at N events (default: 5000)",
            "  --batch-delay D           static trigger: flush D after a batch's first event (default: 1s)",
            "  --jitter D                per-shard timer jitter, <= batch-delay (default: 100ms)",
            "  --max-record-bytes N      larger records are dead-lettered (default: 4096)",
            "  --checkpoint-interval D   (default: 10s)",
            "  --checkpoint-timeout D    (default: 2min)",
            "  --checkpoint-min-pause D  minimum pause between checkpoints (default: 1s)",
            "  --outage-limit D          how long a writer waits for an unreachable database (retrying, the job",
            "                            backpressured) before its task fails and restarts (default: 5min)",
            "  --tolerable-checkpoint-failures N  checkpoints that may fail in a row, e.g. timing out during a",
            "                            database outage, before the job fails over (default: as many as the",
            "                            outage limit can cause, outage-limit / checkpoint-timeout + 2, at least 3)",
            "  --web-ports RANGE         web UI port(s) of the embedded cluster, first free one wins (default: 8081-8099)",
            "  --results FILE            summary CSV (default: results/demo-summary.csv)",
            "  --dry-run                 read and parse/validate only, write nothing (the input's ceiling; flink run only)",
            "  --help");

    private static final Set<String> KNOWN = Set.of("kafka-bootstrap", "kafka-topic", "kafka-group",
            "kafka-starting-offsets", "kafka-properties", "allowed-lateness", "jdbc-url", "jdbc-user", "jdbc-password-env", "table",
            "dead-letter-table", "report-table", "parallelism", "shards", "max-parallelism", "events", "duration", "bursts", "pages", "hot-share",
            "seed", "start-delay", "arms", "ab-mode", "report-interval", "slo", "batch-size", "batch-delay", "jitter", "max-record-bytes", "checkpoint-interval", "checkpoint-timeout", "checkpoint-min-pause",
            "outage-limit", "tolerable-checkpoint-failures",
            "web-ports", "results", "dry-run", "help");

    public String kafkaBootstrap;
    public String kafkaTopic = "clicks";
    public String kafkaGroup = "dynbatch";
    public String kafkaStartingOffsets = "committed";
    public String kafkaPropertiesFile;
    public Duration allowedLateness = Duration.ofMinutes(1);
    public String jdbcUrl;
    public String jdbcUser = "postgres";
    public String jdbcPasswordEnv = "DYNBATCH_JDBC_PASSWORD";
    public String table = "click_totals";
    public String deadLetterTable = "dead_letters";
    public String reportTable = "ab_report";
    public int parallelism = 2;
    /** Shards when none are given: a constant, so that changing the parallelism never changes them. */
    public static final int DEFAULT_SHARDS = 4;

    public int shards = DEFAULT_SHARDS;
    public int maxParallelism = 128;
    public long events = 600_000;
    public Duration duration = Duration.ofSeconds(90);
    public int bursts = 4;
    public int pages = 500;
    public double hotShare = 0.0;
    public long seed = 42;
    public Duration startDelay = Duration.ofSeconds(5);
    public List<ArmKind> arms = List.of(ArmKind.STATIC, ArmKind.ADAPTIVE);
    public String abMode = "shadow";
    public Duration reportInterval = Duration.ofSeconds(10);
    public Duration slo = Duration.ofSeconds(2);
    public long batchSize = 5_000;
    public Duration batchDelay = Duration.ofSeconds(1);
    public Duration jitter = Duration.ofMillis(100);
    public int maxRecordBytes = ClickEventParser.DEFAULT_MAX_RECORD_BYTES;
    public Duration checkpointInterval = Duration.ofSeconds(10);
    public Duration checkpointTimeout = Duration.ofMinutes(2);
    public Duration checkpointMinPause = Duration.ofSeconds(1);
    public Duration outageLimit = Duration.ofMinutes(5);
    /** Set by {@code --tolerable-checkpoint-failures}; -1: derived ({@link #tolerableCheckpointFailures()}). */
    public int tolerableCheckpointFailures = -1;
    public String webPorts = "8081-8099";
    public String results = "results/demo-summary.csv";
    public boolean help;
    /** Read and parse/validate only; no arms, nothing written. */
    public boolean dryRun;

    public static JobOptions fromArgs(String... args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        Set<String> unknown = new TreeSet<>(p.toMap().keySet());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
        }
        JobOptions o = new JobOptions();
        o.help = p.has("help");
        o.dryRun = p.has("dry-run");
        o.kafkaBootstrap = p.get("kafka-bootstrap", null);
        o.kafkaTopic = p.get("kafka-topic", o.kafkaTopic);
        if (!o.kafkaTopic.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("--kafka-topic is not a valid topic name: " + o.kafkaTopic);
        }
        o.kafkaGroup = p.get("kafka-group", o.kafkaGroup);
        o.kafkaStartingOffsets = p.get("kafka-starting-offsets", o.kafkaStartingOffsets);
        if (!Set.of("committed", "earliest", "latest").contains(o.kafkaStartingOffsets)) {
            throw new IllegalArgumentException("--kafka-starting-offsets must be committed, earliest or latest");
        }
        o.kafkaPropertiesFile = p.get("kafka-properties", null);
        o.allowedLateness = duration(p, "allowed-lateness", o.allowedLateness);
        o.jdbcUrl = p.get("jdbc-url", null);
        o.jdbcUser = p.get("jdbc-user", o.jdbcUser);
        o.jdbcPasswordEnv = p.get("jdbc-password-env", o.jdbcPasswordEnv);
        o.table = table(p, "table", o.table);
        o.deadLetterTable = table(p, "dead-letter-table", o.deadLetterTable);
        o.reportTable = table(p, "report-table", o.reportTable);
        o.parallelism = intAtLeast(p, "parallelism", o.parallelism, 1);
        o.maxParallelism = intAtLeast(p, "max-parallelism", o.maxParallelism, o.parallelism);
        o.shards = intAtLeast(p, "shards", DEFAULT_SHARDS, 1);
        if (o.shards > o.maxParallelism) {
            throw new IllegalArgumentException("--shards (" + o.shards + ") must not exceed --max-parallelism ("
                    + o.maxParallelism + ")");
        }
        o.events = longAtLeast(p, "events", o.events, 1);
        o.duration = duration(p, "duration", o.duration);
        if (o.duration.isZero()) {
            throw new IllegalArgumentException("--duration must be > 0");
        }
        o.bursts = intAtLeast(p, "bursts", o.bursts, 0);
        o.pages = intAtLeast(p, "pages", o.pages, 1);
        if (p.has("hot-share")) {
            try {
                o.hotShare = Double.parseDouble(p.get("hot-share"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--hot-share must be a number in [0, 1)");
            }
            if (o.hotShare < 0 || o.hotShare >= 1) {
                throw new IllegalArgumentException("--hot-share must be in [0, 1)");
            }
        }
        o.seed = longAtLeast(p, "seed", o.seed, Long.MIN_VALUE);
        o.startDelay = duration(p, "start-delay", o.startDelay);
        if (p.has("arms")) {
            List<ArmKind> arms = new ArrayList<>();
            for (String name : p.get("arms").split(",")) {
                try {
                    ArmKind arm = ArmKind.parse(name);
                    if (!arms.contains(arm)) {
                        arms.add(arm);
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--arms: " + e.getMessage(), e);
                }
            }
            o.arms = List.copyOf(arms);
        }
        o.abMode = p.get("ab-mode", o.abMode);
        if (!Set.of("shadow", "split", "off").contains(o.abMode)) {
            throw new IllegalArgumentException("--ab-mode must be shadow, split or off");
        }
        if (o.abMode.equals("off")) {
            o.arms = List.of(o.arms.get(0));
        }
        if (o.abMode.equals("split") && o.arms.size() > o.shards) {
            throw new IllegalArgumentException("--ab-mode split needs at least one shard per arm");
        }
        o.reportInterval = duration(p, "report-interval", o.reportInterval);
        if (o.reportInterval.toMillis() < 1000) {
            throw new IllegalArgumentException("--report-interval must be >= 1s");
        }
        o.slo = duration(p, "slo", o.slo);
        if (o.slo.isZero()) {
            throw new IllegalArgumentException("--slo must be > 0");
        }
        o.batchSize = longAtLeast(p, "batch-size", o.batchSize, 1);
        o.batchDelay = duration(p, "batch-delay", o.batchDelay);
        o.jitter = duration(p, "jitter", o.jitter);
        if (o.jitter.compareTo(o.batchDelay) > 0) {
            throw new IllegalArgumentException("--jitter must not exceed --batch-delay");
        }
        o.maxRecordBytes = intAtLeast(p, "max-record-bytes", o.maxRecordBytes, 64);
        o.checkpointInterval = duration(p, "checkpoint-interval", o.checkpointInterval);
        o.checkpointTimeout = duration(p, "checkpoint-timeout", o.checkpointTimeout);
        o.checkpointMinPause = duration(p, "checkpoint-min-pause", o.checkpointMinPause);
        if (o.checkpointInterval.toMillis() < 10 || o.checkpointTimeout.toMillis() < 10) {
            throw new IllegalArgumentException("--checkpoint-interval and --checkpoint-timeout must be >= 10ms");
        }
        o.outageLimit = duration(p, "outage-limit", o.outageLimit);
        o.tolerableCheckpointFailures = intAtLeast(p, "tolerable-checkpoint-failures", -1, 0);
        o.webPorts = p.get("web-ports", o.webPorts);
        if (!o.webPorts.matches("\\d{1,5}(-\\d{1,5})?")) {
            throw new IllegalArgumentException("--web-ports must be a port or a range like 8081-8099");
        }
        o.results = p.get("results", o.results);
        return o;
    }

    /**
     * How many checkpoints may fail in a row without failing the job: as set, or enough for an
     * outage up to the limit (a writer waiting for the database holds the barrier, so each
     * checkpoint of the outage times out): {@code outageLimit / checkpointTimeout + 2}, at least 3.
     */
    public int tolerableCheckpointFailures() {
        if (tolerableCheckpointFailures >= 0) {
            return tolerableCheckpointFailures;
        }
        long perOutage = outageLimit.toMillis() / Math.max(1, checkpointTimeout.toMillis()) + 2;
        return (int) Math.max(3, Math.min(1000, perOutage));
    }

    /** The writers' retry policy: backoff up to 5 s between attempts, for up to {@link #outageLimit}. */
    public RetryPolicy retryPolicy() {
        return RetryPolicy.forOutagesUpTo(outageLimit);
    }

    /** The arms that run (off: only the first). */
    public List<ArmKind> activeArms() {
        return arms;
    }

    /**
     * The totals table of {@code arm} given the base table name: the base table itself with one arm,
     * {@code <base>_<arm>} with several.
     */
    public String totalsTableFor(String baseTable, ArmKind arm) {
        return arms.size() == 1 ? baseTable : baseTable + "_" + arm.label();
    }

    /**
     * What must not change between a savepoint and the job resumed from it: the shard count (rows
     * would move to shards whose state does not hold their totals) and, in split mode, which arms
     * own which shards.
     */
    public String stateLayout() {
        StringBuilder arms = new StringBuilder();
        for (ArmKind arm : this.arms) {
            arms.append(arms.length() == 0 ? "" : ",").append(arm.label());
        }
        return "shards=" + shards + ";max-parallelism=" + maxParallelism
                + (abMode.equals("split") ? ";split=" + arms : "");
    }

    public boolean kafkaSource() {
        return kafkaBootstrap != null;
    }

    public boolean embeddedDatabase() {
        return jdbcUrl == null;
    }

    private static String table(ParameterTool p, String name, String dflt) {
        String v = p.get(name, dflt);
        try {
            return SqlIdentifiers.requireTableName(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
        }
    }

    private static int intAtLeast(ParameterTool p, String name, int dflt, int min) {
        long v = longAtLeast(p, name, dflt, min);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + name + " is too large: " + v);
        }
        return (int) v;
    }

    private static long longAtLeast(ParameterTool p, String name, long dflt, long min) {
        if (!p.has(name)) {
            return dflt;
        }
        long v;
        try {
            v = Long.parseLong(p.get(name).trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + p.get(name) + "'");
        }
        if (v < min) {
            throw new IllegalArgumentException("--" + name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    private static Duration duration(ParameterTool p, String name, Duration dflt) {
        if (!p.has(name)) {
            return dflt;
        }
        try {
            Duration d = TimeUtils.parseDuration(p.get(name));
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be a duration like 500ms, 2s or 1min, got '"
                    + p.get(name) + "'");
        }
    }
}
