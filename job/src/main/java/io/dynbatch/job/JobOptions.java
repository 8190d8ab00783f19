package io.dynbatch.job;

import io.dynbatch.job.options.JobOption;
import io.dynbatch.job.options.OptionValues;
import io.dynbatch.job.sink.RetryPolicy;
import io.dynbatch.job.sink.SqlIdentifiers;
import io.dynbatch.job.source.KafkaStartingOffsets;
import io.dynbatch.job.source.LagSwing;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

import static io.dynbatch.job.JobOptionTable.*;

/**
 * The job's configuration, from {@code --name value} arguments. The options are declared once, in
 * {@link JobOptionTable}, from which {@code --help}, the known-names check and the error messages
 * derive; this class adds the checks that involve several options and typed access. Every option
 * has a default that runs the embedded demo; every value is checked here, at job-build time, with
 * an error that names the option. The database password is never an argument (arguments are shown
 * in the Flink web UI): it is read from the environment variable named by {@code
 * --jdbc-password-env}. Immutable.
 */
public final class JobOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The {@code --help} text. */
    public static final String USAGE = TABLE.usage();

    private final OptionValues values;
    private final List<Arm> arms;

    private JobOptions(OptionValues values) {
        this.values = values;
        if (values.isGiven(MAX_PARALLELISM) && get(MAX_PARALLELISM) < get(PARALLELISM)) {
            throw new IllegalArgumentException("--max-parallelism (" + get(MAX_PARALLELISM)
                    + ") must be >= --parallelism (" + get(PARALLELISM) + ")");
        }
        if (shards() > maxParallelism()) {
            throw new IllegalArgumentException("--shards (" + shards() + ") must not exceed --max-parallelism ("
                    + maxParallelism() + ")");
        }
        List<Arm> given = get(ARMS);
        this.arms = abMode() == AbMode.OFF ? List.of(given.get(0)) : given;
        if (abMode() == AbMode.SPLIT && arms.size() > shards()) {
            throw new IllegalArgumentException("--ab-mode split needs at least one shard per arm: --arms ("
                    + arms.size() + ") must not exceed --shards (" + shards() + ")");
        }
        // a static arm's timers move by up to the jitter (per-shard commit) or the commit grid (group commit)
        JobOption<Duration> spread = commitMode() == CommitMode.GROUP ? COMMIT_GRID : JITTER;
        for (Arm arm : arms) {
            if (arm.kind() == ArmKind.STATIC && get(spread).compareTo(batchDelayOf(arm)) > 0) {
                throw new IllegalArgumentException(spread + " (" + JobOption.format(get(spread))
                        + ") must not exceed the delay of every static arm: " + arm.label() + " has "
                        + JobOption.format(batchDelayOf(arm)));
            }
            try {
                SqlIdentifiers.requireTableName(totalsTableFor(table(), arm));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ARMS + ": arm " + arm.label() + " would write to "
                        + totalsTableFor(table(), arm) + ", not a valid table name (" + e.getMessage() + ")", e);
            }
        }
        try {
            lagSwing();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lag-swing and --lag-period: " + e.getMessage(), e);
        }
        requireOrder(RETRY_BACKOFF, RETRY_MAX_BACKOFF);
        requireOrder(BREAKER_OPEN, BREAKER_MAX_OPEN);
        if (arms.contains(Arm.ADAPTIVE)) {
            Duration margin = get(ADAPTIVE_SAFETY_MARGIN);
            if (margin.compareTo(slo()) >= 0) {
                throw new IllegalArgumentException("--adaptive-safety-margin (" + JobOption.format(margin)
                        + ") must be smaller than --slo (" + JobOption.format(slo()) + ")");
            }
            adaptivePolicyConfig(); // the rest of its checks
        }
    }

    /** @throws IllegalArgumentException naming the option, for an unknown option or a value it does not accept */
    public static JobOptions fromArgs(String... args) {
        return new JobOptions(TABLE.parse(args));
    }

    /** The value of {@code option}, one of {@link JobOptionTable}'s. */
    public <T> T get(JobOption<T> option) {
        return values.get(option);
    }

    private void requireOrder(JobOption<Duration> smaller, JobOption<Duration> larger) {
        if (get(smaller).compareTo(get(larger)) > 0) {
            throw new IllegalArgumentException(smaller + " (" + JobOption.format(get(smaller)) + ") must not exceed "
                    + larger + " (" + JobOption.format(get(larger)) + ")");
        }
    }

    // Kafka (the generator when no bootstrap servers are given)
    public String kafkaBootstrap() { return get(KAFKA_BOOTSTRAP); }
    public String kafkaTopic() { return get(KAFKA_TOPIC); }
    public String kafkaGroup() { return get(KAFKA_GROUP); }
    public KafkaStartingOffsets kafkaStartingOffsets() { return get(KAFKA_STARTING_OFFSETS); }
    public String kafkaPropertiesFile() { return get(KAFKA_PROPERTIES); }
    public Duration allowedLateness() { return get(ALLOWED_LATENESS); }

    // Database (embedded when no URL is given)
    public String jdbcUrl() { return get(JDBC_URL); }
    public String jdbcUser() { return get(JDBC_USER); }
    public String jdbcPasswordEnv() { return get(JDBC_PASSWORD_ENV); }
    public String table() { return get(TABLE_NAME); }
    public String deadLetterTable() { return get(DEAD_LETTER_TABLE); }
    public String reportTable() { return get(REPORT_TABLE); }
    /** The batch log table ({@code --batch-log-table}), or {@code null} when there is none (the default). */
    public String batchLogTable() {
        String name = get(BATCH_LOG_TABLE);
        return name == null || name.isEmpty() ? null : name;
    }

    // Parallelism and sharding
    public int parallelism() { return get(PARALLELISM); }
    /** The write shards: {@code --shards}, else one per key group ({@code --max-parallelism}). */
    public int shards() {
        int set = get(SHARDS);
        return set > 0 ? set : maxParallelism();
    }

    public int maxParallelism() { return get(MAX_PARALLELISM); }

    // The generator
    public long events() { return get(EVENTS); }
    public Duration duration() { return get(DURATION); }
    /** The generator's upstream lag ({@code --lag-swing} every {@code --lag-period}). */
    public LagSwing lagSwing() { return LagSwing.of(get(LAG_SWING), get(LAG_PERIOD)); }
    public int bursts() { return get(BURSTS); }
    public int pages() { return get(PAGES); }
    public double hotShare() { return get(HOT_SHARE); }
    public long seed() { return get(SEED); }
    public Duration startDelay() { return get(START_DELAY); }

    // The arms and their triggers
    public AbMode abMode() { return get(AB_MODE); }
    public AbIsolation abIsolation() { return get(AB_ISOLATION); }

    /**
     * Whether every arm reads its own copy of the input: {@code --ab-isolation isolated} in shadow
     * mode with several arms (with one arm, in split or off mode, or in a dry run the job has one
     * input chain).
     */
    public boolean isolatesArms() {
        return abIsolation() == AbIsolation.ISOLATED && abMode() == AbMode.SHADOW && arms.size() > 1 && !dryRun();
    }

    public Duration reportInterval() { return get(REPORT_INTERVAL); }
    public Duration slo() { return get(SLO); }
    public long batchSize() { return get(BATCH_SIZE); }
    public Duration batchDelay() { return get(BATCH_DELAY); }
    public Duration jitter() { return get(JITTER); }

    /** The static trigger's size of {@code arm}: a static grid arm's own, else {@code --batch-size}. */
    public long batchSizeOf(Arm arm) {
        return arm.isGrid() ? arm.grid().batchSize() : batchSize();
    }

    /** The static trigger's delay of {@code arm}: a static grid arm's own, else {@code --batch-delay}. */
    public Duration batchDelayOf(Arm arm) {
        return arm.isGrid() ? arm.grid().batchDelay() : batchDelay();
    }
    public CommitMode commitMode() { return get(COMMIT); }
    public Duration commitGrid() { return get(COMMIT_GRID); }
    public Duration commitJoin() { return get(COMMIT_JOIN); }
    public boolean commitRounds() { return get(COMMIT_ROUNDS); }
    /** Whether the static and adaptive arms read pre-compacted bundles ({@code --pre-compact-delay} > 0). */
    public boolean preCompacts() { return !get(PRE_COMPACT_DELAY).isZero(); }
    public Duration preCompactDelay() { return get(PRE_COMPACT_DELAY); }
    public Duration preCompactBacklogDelay() { return get(PRE_COMPACT_BACKLOG_DELAY); }
    public long preCompactBacklogEvents() { return get(PRE_COMPACT_BACKLOG_EVENTS); }
    public long preCompactEvents() { return get(PRE_COMPACT_EVENTS); }
    public int maxRecordBytes() { return get(MAX_RECORD_BYTES); }

    // Checkpoints and outages
    public Duration checkpointInterval() { return get(CHECKPOINT_INTERVAL); }
    public Duration checkpointTimeout() { return get(CHECKPOINT_TIMEOUT); }
    public Duration checkpointMinPause() { return get(CHECKPOINT_MIN_PAUSE); }
    public Duration outageLimit() { return get(OUTAGE_LIMIT); }

    // The run
    public String webPorts() { return get(WEB_PORTS); }
    public String results() { return get(RESULTS); }
    public boolean help() { return get(HELP); }
    /** Read and parse/validate only; no arms, nothing written. */
    public boolean dryRun() { return get(DRY_RUN); }

    /**
     * How many checkpoints may fail in a row without failing the job: as set, or enough for an
     * outage up to the limit (a writer waiting for the database holds the barrier, so each
     * checkpoint of the outage times out): {@code outageLimit / checkpointTimeout + 2}, at least 3.
     */
    public int tolerableCheckpointFailures() {
        int set = get(TOLERABLE_CHECKPOINT_FAILURES);
        if (set >= 0) {
            return set;
        }
        long perOutage = outageLimit().toMillis() / Math.max(1, checkpointTimeout().toMillis()) + 2;
        return (int) Math.max(3, Math.min(1000, perOutage));
    }

    /**
     * The writers' retry policy: backoff from {@code --retry-backoff} doubling up to {@code
     * --retry-max-backoff} between attempts, for up to {@link #outageLimit}, behind a circuit breaker
     * per writer ({@code --breaker-failures}, {@code --breaker-open}, {@code --breaker-max-open}).
     */
    public RetryPolicy retryPolicy() {
        return RetryPolicy.forOutagesUpTo(outageLimit(), get(RETRY_BACKOFF), get(RETRY_MAX_BACKOFF))
                .withCircuitBreaker(get(BREAKER_FAILURES), get(BREAKER_OPEN), get(BREAKER_MAX_OPEN));
    }

    /** The adaptive arm's policy: the SLO and the {@code --adaptive-*} options, else the defaults. */
    public AdaptivePolicyConfig adaptivePolicyConfig() {
        AdaptivePolicyConfig.Builder b = AdaptivePolicyConfig.builder()
                .slo(slo())
                .maxSize(get(ADAPTIVE_MAX_SIZE))
                .safetyMargin(get(ADAPTIVE_SAFETY_MARGIN))
                .targetUtilisation(get(ADAPTIVE_TARGET_UTILISATION));
        if (get(ADAPTIVE_MAX_DELAY) != null) {
            b.maxDelay(get(ADAPTIVE_MAX_DELAY));
        }
        return b.build();
    }

    /** The arms that run (off: only the first). */
    public List<Arm> activeArms() {
        return arms;
    }

    /**
     * The totals table of {@code arm} given the base table name: the base table itself with one arm,
     * {@code <base>_<arm>} with several.
     */
    public String totalsTableFor(String baseTable, Arm arm) {
        return arms.size() == 1 ? baseTable : baseTable + "_" + arm.label();
    }

    /**
     * What must not change between a savepoint and the job resumed from it: the shard count (rows
     * would move to shards whose state does not hold their totals), in split mode which arms own
     * which shards, and with isolated arms which arm reads which copy of the input (each copy's
     * source position belongs to its arm's windows and totals; the first arm's copy has the uids of
     * the shared chain).
     */
    public String stateLayout() {
        return "shards=" + shards() + ";max-parallelism=" + maxParallelism()
                + (abMode() == AbMode.SPLIT ? ";split=" + JobOption.format(arms) : "")
                + (isolatesArms() ? ";isolated=" + JobOption.format(arms) : "") // one input chain per arm
                + (commitMode() == CommitMode.SHARD ? ";commit=shard" : "") // the totals live in another operator
                + (preCompacts() && usesBundles() ? ";window=bundles" : ""); // the windows hold bundles, not events
    }

    /** Whether an arm that runs reads pre-compacted bundles (static and adaptive do). */
    private boolean usesBundles() {
        return arms.stream().anyMatch(Arm::readsBundles);
    }

    public boolean kafkaSource() {
        return kafkaBootstrap() != null;
    }

    public boolean embeddedDatabase() {
        return jdbcUrl() == null;
    }
}
