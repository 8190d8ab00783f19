package io.dynbatch.job;

import io.dynbatch.job.options.JobOption;
import io.dynbatch.job.options.OptionTable;
import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.sink.RetryPolicy;
import io.dynbatch.job.sink.SqlIdentifiers;
import io.dynbatch.job.source.KafkaStartingOffsets;
import io.dynbatch.triggers.policy.AdaptivePolicyDefaults;

import java.time.Duration;
import java.util.List;

import static io.dynbatch.job.options.JobOption.choice;
import static io.dynbatch.job.options.JobOption.duration;
import static io.dynbatch.job.options.JobOption.flag;
import static io.dynbatch.job.options.JobOption.integer;
import static io.dynbatch.job.options.JobOption.longInteger;
import static io.dynbatch.job.options.JobOption.number;
import static io.dynbatch.job.options.JobOption.text;

/**
 * Every option of the job, declared once, in the order {@code --help} lists them. Checks that
 * involve several options are in {@link JobOptions}.
 */
public final class JobOptionTable {

    /** The job's options; its usage is the {@code --help} text. */
    public static final OptionTable TABLE = new OptionTable(
            "Usage: dynbatch [--option value ...]   (no options: the embedded demo)",
            name -> name.contains("password") ? "the password is never an argument (arguments are shown in the"
                    + " Flink web UI): set it in the environment variable named by --jdbc-password-env" : null);

    public static final JobOption<String> KAFKA_BOOTSTRAP = TABLE.add(text("kafka-bootstrap", "HOSTS", null,
            "read the clickstream from Kafka").withDefaultText("the built-in generator"));
    public static final JobOption<String> KAFKA_TOPIC = TABLE.add(text("kafka-topic", "NAME", "clicks", "topic")
            .check(t -> t.matches("[A-Za-z0-9._-]{1,249}"), "a valid topic name ([A-Za-z0-9._-], 1 to 249)"));
    public static final JobOption<String> KAFKA_GROUP = TABLE.add(text("kafka-group", "ID", "dynbatch",
            "consumer group (isolated arms: <kafka-group>-<arm>, one per arm)"));
    public static final JobOption<KafkaStartingOffsets> KAFKA_STARTING_OFFSETS = TABLE.add(choice(
            "kafka-starting-offsets", KafkaStartingOffsets.class, KafkaStartingOffsets.COMMITTED,
            "where to start reading; committed: the group's committed offsets, else earliest"));
    public static final JobOption<String> KAFKA_PROPERTIES = TABLE.add(text("kafka-properties", "FILE", null,
            "extra consumer properties, e.g. security settings (kept out of the args)"));
    public static final JobOption<Duration> ALLOWED_LATENESS = TABLE.add(duration("allowed-lateness",
            Duration.ofMinutes(1), "events older than watermark - D are dead-lettered as late"));
    public static final JobOption<String> JDBC_URL = TABLE.add(text("jdbc-url", "URL", null,
            "PostgreSQL JDBC URL").withDefaultText("start an embedded PostgreSQL"));
    public static final JobOption<String> JDBC_USER = TABLE.add(text("jdbc-user", "NAME", "postgres", "database user"));
    public static final JobOption<String> JDBC_PASSWORD_ENV = TABLE.add(text("jdbc-password-env", "VAR",
            "DYNBATCH_JDBC_PASSWORD", "environment variable holding the password (never an argument)"));
    public static final JobOption<String> TABLE_NAME = TABLE.add(table("table", "click_totals", "totals table"));
    public static final JobOption<String> DEAD_LETTER_TABLE = TABLE.add(table("dead-letter-table", "dead_letters",
            "dead-letter table"));
    public static final JobOption<String> REPORT_TABLE = TABLE.add(table("report-table", "ab_report",
            "A/B report table, one row per arm and interval"));
    /** Empty or absent (the default): no batch log. */
    public static final JobOption<String> BATCH_LOG_TABLE = TABLE.add(JobOption.of("batch-log-table", "NAME", "",
            "a table name, [schema.]table of lower-case letters, digits and _, or empty for none",
            raw -> raw.isEmpty() ? "" : SqlIdentifiers.requireTableName(raw),
            "batch log: one row per committed shard batch of every arm (why it flushed, what was planned, what it"
                    + " cost)").withDefaultText("off"));
    public static final JobOption<Integer> PARALLELISM = TABLE.add(integer("parallelism", "N", 2, 1,
            "job parallelism"));
    /**
     * -1 (the default): one shard per key group, {@code --max-parallelism}, so that every parallelism
     * the state allows has every subtask writing; never derived from the parallelism.
     */
    public static final JobOption<Integer> SHARDS = TABLE.add(integer("shards", "N", -1, 1,
            "write shards; fixed for the life of the state and the tables, independent of parallelism; at most"
                    + " this many subtasks write").withDefaultText("--max-parallelism (one per key group)"));
    public static final JobOption<Integer> MAX_PARALLELISM = TABLE.add(integer("max-parallelism", "N", 128, 1,
            "key groups, >= parallelism and >= shards"));
    public static final JobOption<Long> EVENTS = TABLE.add(longInteger("events", "N", 600_000, 1,
            "events the generator produces"));
    public static final JobOption<Duration> DURATION = TABLE.add(duration("duration", Duration.ofSeconds(90),
            "length of the compressed day, e.g. 90s").check(d -> !d.isZero(), "> 0"));
    public static final JobOption<Duration> LAG_SWING = TABLE.add(duration("lag-swing", Duration.ZERO,
            "generator: events reach the job up to D after their ingest time, the lag swinging 0 -> D -> 0 every"
                    + " --lag-period (upstream lag; 0: none)"));
    public static final JobOption<Duration> LAG_PERIOD = TABLE.add(duration("lag-period", Duration.ofSeconds(90),
            "generator: period of the lag swing, > pi x --lag-swing").check(d -> !d.isZero(), "> 0"));
    public static final JobOption<Integer> BURSTS = TABLE.add(integer("bursts", "N", 4, 0,
            "traffic bursts in the day"));
    public static final JobOption<Integer> PAGES = TABLE.add(integer("pages", "N", 500, 1, "distinct pages"));
    public static final JobOption<Double> HOT_SHARE = TABLE.add(number("hot-share", "X", 0.0,
            "share of events on one hot row, skewing one shard").check(x -> x >= 0 && x < 1, "in [0, 1)"));
    public static final JobOption<Long> SEED = TABLE.add(longInteger("seed", "N", 42, Long.MIN_VALUE,
            "generator seed"));
    public static final JobOption<Duration> START_DELAY = TABLE.add(duration("start-delay", Duration.ofSeconds(5),
            "time from job build to the first event"));
    public static final JobOption<List<Arm>> ARMS = TABLE.add(JobOption.of("arms", "LIST",
            List.of(Arm.STATIC, Arm.ADAPTIVE), "a comma-separated list of arms", ArmLabels::parseList,
            "A/B arms, comma-separated, each at most once: tumbling_1min, builtin, static (--batch-size,"
                    + " --batch-delay), adaptive, and static grid arms " + ArmLabels.GRID_SYNTAX + ", a static arm with"
                    + " its own size in events and delay, e.g. static_5000_1s,static_5000_1500ms (the delay written"
                    + " as the job writes it: a whole number of ms, s or min in the largest whole unit, so 1s not"
                    + " 1000ms, 1500ms not 1.5s); each arm writes <table>_<arm> when there are several"));
    public static final JobOption<AbMode> AB_MODE = TABLE.add(choice("ab-mode", AbMode.class, AbMode.SHADOW,
            "shadow: every event to every arm; split: shards divided between arms; off: the first arm only"));
    public static final JobOption<AbIsolation> AB_ISOLATION = TABLE.add(choice("ab-isolation", AbIsolation.class,
            AbIsolation.ISOLATED, "shadow mode with several arms: isolated: each arm reads its own copy of the input"
                    + " (its own source, Kafka consumer group, parse and late routing; checkpoints unaligned), so one"
                    + " arm's backpressure never slows another; shared: one input chain for all arms (one parse per"
                    + " event)"));
    public static final JobOption<CommitMode> COMMIT = TABLE.add(choice("commit", CommitMode.class, CommitMode.GROUP,
            "group: a subtask's shard batches that fire together are one transaction; shard: one per shard batch"));
    public static final JobOption<Duration> COMMIT_GRID = TABLE.add(duration("commit-grid", Duration.ofMillis(50),
            "group commit: batch deadlines are rounded down to this grid, so a subtask's shards fire together"
                    + " (replaces --jitter)"));
    public static final JobOption<Duration> COMMIT_JOIN = TABLE.add(duration("commit-join", Duration.ZERO,
            "group commit: a shard's timer joins a round another shard of its subtask planned up to D earlier,"
                    + " so their batches commit together (fires up to D early); 0: grid only"));
    public static final JobOption<Boolean> COMMIT_ROUNDS = TABLE.add(JobOption.of("commit-rounds", "true|false", true,
            "true or false", JobOptionTable::strictBoolean, "group commit: when a shard's deadline comes, every shard of"
                    + " its subtask with a pending batch flushes with it, in one transaction (static, adaptive)"));
    public static final JobOption<Duration> PRE_COMPACT_DELAY = TABLE.add(duration("pre-compact-delay",
            Duration.ofMillis(20), "static and adaptive arms: each subtask compacts its events per shard before the"
                    + " shuffle and sends a shard's bundle at most D after its first event; 0: send every event"));
    public static final JobOption<Long> PRE_COMPACT_EVENTS = TABLE.add(longInteger("pre-compact-events", "N", 2_000, 1,
            "static and adaptive arms: a subtask sends its bundles when they hold N events"));
    public static final JobOption<Duration> PRE_COMPACT_BACKLOG_DELAY = TABLE.add(duration("pre-compact-backlog-delay",
            Duration.ofMillis(200), "while a subtask is behind (its events already older than the SLO), its bundles"
                    + " wait up to D, so the windows take fewer, larger ones; 0: as when not behind"));
    public static final JobOption<Long> PRE_COMPACT_BACKLOG_EVENTS = TABLE.add(longInteger("pre-compact-backlog-events",
            "N", 50_000, 1, "while a subtask is behind, it sends its bundles when they hold N events"));
    public static final JobOption<Duration> REPORT_INTERVAL = TABLE.add(duration("report-interval",
            Duration.ofSeconds(10), "A/B report interval").check(d -> d.toMillis() >= 1000, ">= 1s"));
    public static final JobOption<Duration> SLO = TABLE.add(duration("slo",
            Duration.ofMillis(AdaptivePolicyDefaults.SLO_MILLIS),
            "adaptive trigger: insight-latency SLO, ingest to commit").check(d -> !d.isZero(), "> 0"));
    public static final JobOption<Long> ADAPTIVE_MAX_SIZE = TABLE.add(longInteger("adaptive-max-size", "N",
            AdaptivePolicyDefaults.MAX_SIZE, 1, "adaptive trigger: no batch has more events"));
    public static final JobOption<Duration> ADAPTIVE_MAX_DELAY = TABLE.add(duration("adaptive-max-delay", null,
            "adaptive trigger: no batch waits longer after its first event").check(d -> !d.isZero(), "> 0")
            .withDefaultText("the SLO"));
    public static final JobOption<Duration> ADAPTIVE_SAFETY_MARGIN = TABLE.add(duration("adaptive-safety-margin",
            Duration.ofMillis(AdaptivePolicyDefaults.SAFETY_MARGIN_MILLIS),
            "adaptive trigger: time kept in reserve before the SLO, < slo"));
    public static final JobOption<Double> ADAPTIVE_TARGET_UTILISATION = TABLE.add(number(
            "adaptive-target-utilisation", "X", AdaptivePolicyDefaults.TARGET_UTILISATION,
            "adaptive trigger: share of time a writer may spend writing").check(x -> x > 0 && x <= 1, "in (0, 1]"));
    public static final JobOption<Long> BATCH_SIZE = TABLE.add(longInteger("batch-size", "N", 5_000, 1,
            "static trigger: flush at N events"));
    public static final JobOption<Duration> BATCH_DELAY = TABLE.add(duration("batch-delay", Duration.ofSeconds(1),
            "static trigger: flush D after a batch's first event"));
    public static final JobOption<Duration> JITTER = TABLE.add(duration("jitter", Duration.ofMillis(100),
            "--commit shard: per-shard timer jitter, <= every static arm's delay"));
    public static final JobOption<Integer> MAX_RECORD_BYTES = TABLE.add(integer("max-record-bytes", "N",
            ClickEventParser.DEFAULT_MAX_RECORD_BYTES, 64, "larger records are dead-lettered"));
    public static final JobOption<Duration> CHECKPOINT_INTERVAL = TABLE.add(duration("checkpoint-interval",
            Duration.ofSeconds(10), "checkpoint interval").check(d -> d.toMillis() >= 10, ">= 10ms"));
    public static final JobOption<Duration> CHECKPOINT_TIMEOUT = TABLE.add(duration("checkpoint-timeout",
            Duration.ofMinutes(2), "checkpoint timeout").check(d -> d.toMillis() >= 10, ">= 10ms"));
    public static final JobOption<Duration> CHECKPOINT_MIN_PAUSE = TABLE.add(duration("checkpoint-min-pause",
            Duration.ofSeconds(1), "minimum pause between checkpoints"));
    public static final JobOption<Duration> OUTAGE_LIMIT = TABLE.add(duration("outage-limit", Duration.ofMinutes(5),
            "how long a writer waits for an unreachable database (retrying, the job backpressured) before its"
                    + " task fails and restarts"));
    public static final JobOption<Duration> RETRY_BACKOFF = TABLE.add(duration("retry-backoff",
            RetryPolicy.DEFAULT_BASE_DELAY, "a writer's first wait after a failed attempt, doubling"));
    public static final JobOption<Duration> RETRY_MAX_BACKOFF = TABLE.add(duration("retry-max-backoff",
            RetryPolicy.DEFAULT_MAX_DELAY, "a writer's longest wait between attempts, >= retry-backoff"));
    public static final JobOption<Integer> BREAKER_FAILURES = TABLE.add(integer("breaker-failures", "N",
            RetryPolicy.DEFAULT_BREAKER_FAILURES, 1, "consecutive failures that open a writer's circuit breaker"));
    public static final JobOption<Duration> BREAKER_OPEN = TABLE.add(duration("breaker-open",
            RetryPolicy.DEFAULT_BREAKER_OPEN, "how long the open breaker stops calls, doubling while probes fail"));
    public static final JobOption<Duration> BREAKER_MAX_OPEN = TABLE.add(duration("breaker-max-open",
            RetryPolicy.DEFAULT_BREAKER_MAX_OPEN, "the breaker's longest open period, >= breaker-open"));
    /** -1 (the default): derived, see {@link JobOptions#tolerableCheckpointFailures()}. */
    public static final JobOption<Integer> TOLERABLE_CHECKPOINT_FAILURES = TABLE.add(integer(
            "tolerable-checkpoint-failures", "N", -1, 0, "checkpoints that may fail in a row, e.g. timing out"
                    + " during a database outage, before the job fails over")
            .withDefaultText("as many as the outage limit can cause, outage-limit / checkpoint-timeout + 2,"
                    + " at least 3"));
    public static final JobOption<String> WEB_PORTS = TABLE.add(text("web-ports", "RANGE", "8081-8099",
            "web UI port(s) of the embedded cluster, first free one wins")
            .check(r -> r.matches("\\d{1,5}(-\\d{1,5})?"), "a port or a range like 8081-8099"));
    public static final JobOption<String> RESULTS = TABLE.add(text("results", "FILE", "results/demo-summary.csv",
            "summary CSV"));
    public static final JobOption<Boolean> DRY_RUN = TABLE.add(flag("dry-run",
            "read and parse/validate only, write nothing (the input's ceiling; flink run only)"));
    public static final JobOption<Boolean> HELP = TABLE.add(flag("help", "this help"));

    private JobOptionTable() {}

    private static JobOption<String> table(String name, String defaultValue, String description) {
        return JobOption.of(name, "NAME", defaultValue, "a table name, [schema.]table of lower-case letters,"
                + " digits and _", SqlIdentifiers::requireTableName, description);
    }

    private static boolean strictBoolean(String raw) {
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw new IllegalArgumentException("not true or false: " + raw);
    }
}
