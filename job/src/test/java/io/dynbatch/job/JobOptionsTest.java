package io.dynbatch.job;

import io.dynbatch.job.options.JobOption;
import io.dynbatch.job.source.KafkaStartingOffsets;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobOptionsTest {

    /**
     * A valid value, not the default, for every option (null: a flag). An option missing here fails
     * {@link #everyOptionInTheHelpIsParsedAndUsed}: add its sample.
     */
    private static final Map<String, String> SAMPLES = Map.ofEntries(
            entry("kafka-bootstrap", "broker:9092"), entry("kafka-topic", "clicks2"), entry("kafka-group", "g2"),
            entry("kafka-starting-offsets", "latest"), entry("kafka-properties", "kafka.properties"),
            entry("allowed-lateness", "2min"), entry("jdbc-url", "jdbc:postgresql://db/x"), entry("jdbc-user", "u"),
            entry("jdbc-password-env", "PW"), entry("table", "t"), entry("dead-letter-table", "d"),
            entry("report-table", "r"), entry("batch-log-table", "bl"), entry("parallelism", "3"), entry("shards", "5"),
            entry("max-parallelism", "256"), entry("events", "7"), entry("duration", "10s"), entry("bursts", "1"),
            entry("lag-swing", "1s"), entry("lag-period", "60s"),
            entry("pages", "9"), entry("hot-share", "0.5"), entry("seed", "7"), entry("start-delay", "1s"),
            entry("arms", "adaptive"), entry("ab-mode", "split"), entry("ab-isolation", "shared"), entry("commit", "shard"), entry("commit-grid", "20ms"),
            entry("commit-join", "500ms"), entry("commit-rounds", "false"), entry("pre-compact-delay", "0"), entry("pre-compact-events", "500"),
            entry("pre-compact-backlog-delay", "1s"), entry("pre-compact-backlog-events", "9000"),
            entry("report-interval", "5s"),
            entry("slo", "3s"), entry("adaptive-max-size", "100"), entry("adaptive-max-delay", "1500ms"),
            entry("adaptive-safety-margin", "200ms"), entry("adaptive-target-utilisation", "0.5"),
            entry("batch-size", "10"), entry("batch-delay", "2s"), entry("jitter", "50ms"),
            entry("max-record-bytes", "128"), entry("checkpoint-interval", "20s"),
            entry("checkpoint-timeout", "1min"), entry("checkpoint-min-pause", "2s"), entry("outage-limit", "1min"),
            entry("retry-backoff", "200ms"), entry("retry-max-backoff", "10s"), entry("breaker-failures", "5"),
            entry("breaker-open", "2s"), entry("breaker-max-open", "30s"),
            entry("tolerable-checkpoint-failures", "9"), entry("web-ports", "9000"), entry("results", "r.csv"),
            entry("dry-run", ""), entry("help", ""));

    /** The option names the help lists, read back from its text. */
    private static Set<String> namesInHelp() {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  --([a-z0-9-]+)").matcher(JobOptions.USAGE);
        while (m.find()) {
            assertThat(names.add(m.group(1))).as("listed twice: --%s", m.group(1)).isTrue();
        }
        return names;
    }

    /** What the job sees of its options: every public no-argument method's result. */
    private static Map<String, String> observed(JobOptions options) throws Exception {
        Map<String, String> seen = new TreeMap<>();
        for (Method m : JobOptions.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0) {
                seen.put(m.getName(), String.valueOf(m.invoke(options)));
            }
        }
        return seen;
    }

    @Test
    void everyOptionInTheHelpIsParsedAndUsed() throws Exception {
        Set<String> inHelp = namesInHelp();
        Set<String> parsed = new TreeSet<>(JobOptionTable.TABLE.names());
        assertThat(inHelp).as("options in --help vs options parsed").isEqualTo(parsed);

        Map<String, String> defaults = observed(JobOptions.fromArgs());
        List<String> unused = new ArrayList<>();
        for (String name : inHelp) {
            assertThat(SAMPLES).as("a sample value of --%s", name).containsKey(name);
            String[] args = SAMPLES.get(name).isEmpty() ? new String[] {"--" + name}
                    : new String[] {"--" + name, SAMPLES.get(name)};
            if (observed(JobOptions.fromArgs(args)).equals(defaults)) {
                unused.add(name);
            }
        }
        assertThat(unused).as("options whose value changes nothing the job sees").isEmpty();
        assertThat(SAMPLES.keySet()).as("samples of options that do not exist").isEqualTo(inHelp);
    }

    @Test
    void defaultsAreTheDemosDefaults() {
        JobOptions o = JobOptions.fromArgs();
        assertThat(o.kafkaSource()).isFalse();
        assertThat(o.embeddedDatabase()).isTrue();
        assertThat(o.kafkaTopic()).isEqualTo("clicks");
        assertThat(o.kafkaStartingOffsets()).isEqualTo(KafkaStartingOffsets.COMMITTED);
        assertThat(o.jdbcPasswordEnv()).isEqualTo("DYNBATCH_JDBC_PASSWORD");
        assertThat(o.table()).isEqualTo("click_totals");
        assertThat(List.of(o.parallelism(), o.shards(), o.maxParallelism(), o.bursts(), o.pages()))
                .containsExactly(2, 128, 128, 4, 500); // one shard per key group
        assertThat(o.commitRounds()).isTrue();
        assertThat(o.events()).isEqualTo(600_000);
        assertThat(o.activeArms()).containsExactly(Arm.STATIC, Arm.ADAPTIVE);
        assertThat(o.abMode()).isEqualTo(AbMode.SHADOW);
        assertThat(o.abIsolation()).isEqualTo(AbIsolation.ISOLATED);
        assertThat(o.isolatesArms()).isTrue();
        assertThat(o.slo()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.batchSize()).isEqualTo(5_000);
        assertThat(o.jitter()).isEqualTo(Duration.ofMillis(100));
        assertThat(o.checkpointTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.tolerableCheckpointFailures()).isEqualTo(4); // 5 min / 2 min + 2
        assertThat(o.help()).isFalse();
        assertThat(o.dryRun()).isFalse();
        assertThat(o.retryPolicy().toString()).isEqualTo("RetryPolicy(maxAttempts=unbounded, base=100ms, max=5000ms,"
                + " outageLimit=300000ms, breaker=3 failures, open 1000-15000ms)");
        assertThat(o.adaptivePolicyConfig()).isEqualTo(AdaptivePolicyConfig.withSlo(Duration.ofSeconds(2)));
    }

    @Test
    void aLagSwingTooFastToKeepTheEventsInOrderIsRefused() {
        assertThat(JobOptions.fromArgs("--lag-swing", "1500ms").lagSwing().swingMillis()).isEqualTo(1_500);
        assertThatThrownBy(() -> JobOptions.fromArgs("--lag-swing", "1500ms", "--lag-period", "4s"))
                .hasMessageContaining("--lag-swing and --lag-period").hasMessageContaining("pi");
    }

    @Test
    void theShardsFollowTheKeyGroupsUnlessGiven() {
        assertThat(JobOptions.fromArgs("--max-parallelism", "256").shards()).isEqualTo(256);
        assertThat(JobOptions.fromArgs("--max-parallelism", "256", "--parallelism", "8").shards()).isEqualTo(256);
        assertThat(JobOptions.fromArgs("--shards", "4").shards()).isEqualTo(4);
        assertThatThrownBy(() -> JobOptions.fromArgs("--shards", "0")).hasMessageContaining("--shards");
        assertThatThrownBy(() -> JobOptions.fromArgs("--shards", "200"))
                .hasMessageContaining("must not exceed --max-parallelism (128)");
    }

    @Test
    void armsAreIsolatedOnlyInShadowModeWithSeveralArms() {
        assertThat(JobOptions.fromArgs().isolatesArms()).as("the default: shadow, static and adaptive").isTrue();
        assertThat(JobOptions.fromArgs("--ab-isolation", "shared").isolatesArms()).isFalse();
        assertThat(JobOptions.fromArgs("--arms", "adaptive").isolatesArms()).as("one arm").isFalse();
        assertThat(JobOptions.fromArgs("--ab-mode", "split").isolatesArms()).as("split").isFalse();
        assertThat(JobOptions.fromArgs("--ab-mode", "off").isolatesArms()).as("off").isFalse();
        assertThat(JobOptions.fromArgs("--dry-run").isolatesArms()).as("dry run: no arms").isFalse();
        assertThat(JobOptions.fromArgs("--arms", "builtin,tumbling_1min", "--pre-compact-delay", "0").stateLayout())
                .isEqualTo("shards=128;max-parallelism=128;isolated=builtin,tumbling_1min");
        assertThat(JobOptions.fromArgs("--arms", "adaptive,static").stateLayout()).as("the order: the first arm's"
                + " copy has the shared chain's uids").isEqualTo("shards=128;max-parallelism=128;isolated=adaptive,static;window=bundles");
    }

    @Test
    void armsAndModesByTheirWireNames() {
        JobOptions split = JobOptions.fromArgs("--arms", " Builtin,tumbling_1min", "--ab-mode", "split");
        assertThat(split.activeArms()).containsExactly(Arm.BUILTIN, Arm.TUMBLING_1MIN);
        assertThat(split.stateLayout()).isEqualTo("shards=128;max-parallelism=128;split=builtin,tumbling_1min");
        assertThat(JobOptions.fromArgs().stateLayout())
                .isEqualTo("shards=128;max-parallelism=128;isolated=static,adaptive;window=bundles");
        assertThat(JobOptions.fromArgs("--ab-isolation", "shared").stateLayout())
                .isEqualTo("shards=128;max-parallelism=128;window=bundles");
        assertThat(JobOptions.fromArgs("--arms", "adaptive").stateLayout())
                .as("one arm: one chain").isEqualTo("shards=128;max-parallelism=128;window=bundles");
        assertThat(JobOptions.fromArgs("--pre-compact-delay", "0", "--shards", "4", "--ab-isolation", "shared")
                .stateLayout()).isEqualTo("shards=4;max-parallelism=128");
        assertThat(JobOptions.fromArgs("--arms", "adaptive,static", "--ab-mode", "off").activeArms())
                .containsExactly(Arm.ADAPTIVE);
        assertThat(JobOptions.fromArgs("--kafka-starting-offsets", "earliest").kafkaStartingOffsets())
                .isEqualTo(KafkaStartingOffsets.EARLIEST);
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static,adaptive,builtin", "--ab-mode", "split",
                "--shards", "2")).hasMessageContaining("--ab-mode split").hasMessageContaining("--shards");
    }

    @Test
    void staticGridArmsHaveTheirOwnSettingAndTable() {
        JobOptions o = JobOptions.fromArgs("--arms", "static_5000_1s,static_20000_1800ms,adaptive,static",
                "--batch-size", "700", "--batch-delay", "3s");
        Arm fast = Arm.staticGrid(5_000, Duration.ofSeconds(1));
        Arm large = Arm.staticGrid(20_000, Duration.ofMillis(1_800));
        assertThat(o.activeArms()).containsExactly(fast, large, Arm.ADAPTIVE, Arm.STATIC);
        assertThat(List.of(o.batchSizeOf(fast), o.batchSizeOf(large), o.batchSizeOf(Arm.STATIC)))
                .containsExactly(5_000L, 20_000L, 700L);
        assertThat(List.of(o.batchDelayOf(fast), o.batchDelayOf(large), o.batchDelayOf(Arm.STATIC)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofMillis(1_800), Duration.ofSeconds(3));
        assertThat(o.totalsTableFor("click_totals", large)).isEqualTo("click_totals_static_20000_1800ms");
        assertThat(o.totalsTableFor("click_totals", Arm.STATIC)).as("the named arms keep their labels")
                .isEqualTo("click_totals_static");
        assertThat(o.stateLayout()).isEqualTo("shards=128;max-parallelism=128;"
                + "isolated=static_5000_1s,static_20000_1800ms,adaptive,static;window=bundles");
        assertThat(JobOptions.fromArgs("--arms", "static_5000_1500ms", "--ab-mode", "off").activeArms())
                .containsExactly(Arm.staticGrid(5_000, Duration.ofMillis(1_500)));
        assertThat(JobOptions.USAGE).contains("static_<size>_<delay>");
    }

    @Test
    void armOptionErrorsSayWhatToWrite() {
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static_5000_1.5s,adaptive"))
                .hasMessageStartingWith("--arms: arm static_5000_1.5s:").hasMessageContaining("static_5000_1500ms");
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static_5000_1000ms"))
                .hasMessageContaining("static_5000_1s");
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static,adaptive,static"))
                .hasMessage("--arms: arm static is listed twice in 'static,adaptive,static'");
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static_5000_1s,STATIC_5000_1S"))
                .hasMessageContaining("static_5000_1s is listed twice");
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static_5000_20ms,adaptive"))
                .as("group commit (the default) aligns static timers to the commit grid, 50ms")
                .hasMessage("--commit-grid (50ms) must not exceed the delay of every static arm: static_5000_20ms has 20ms");
        assertThat(JobOptions.fromArgs("--arms", "static_5000_50ms,adaptive").activeArms()).hasSize(2);
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static_5000_50ms,adaptive", "--commit", "shard"))
                .as("per-shard commit spreads static timers by the jitter, 100ms")
                .hasMessage("--jitter (100ms) must not exceed the delay of every static arm: static_5000_50ms has 50ms");
        assertThat(JobOptions.fromArgs("--arms", "static_5000_50ms,adaptive", "--commit", "shard", "--jitter", "50ms")
                .jitter()).isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static_1000000000000000_1s,adaptive", "--table",
                "a_rather_long_name_for_a_totals_table_of_clicks_"))
                .hasMessageStartingWith("--arms: arm static_1000000000000000_1s would write to a_rather_long_name")
                .hasMessageContaining("not a valid table name");
    }

    @Test
    void errorsNameTheOptionAndWhatItAccepts() {
        assertThatThrownBy(() -> JobOptions.fromArgs("--batch-sise", "5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option(s): --batch-sise");
        assertThatThrownBy(() -> JobOptions.fromArgs("--ab-mode", "canary"))
                .hasMessage("--ab-mode must be one of shadow, split, off, got 'canary'");
        assertThatThrownBy(() -> JobOptions.fromArgs("--arms", "static,fancy"))
                .hasMessage("--arms: unknown arm 'fancy'; arms are tumbling_1min, builtin, static, adaptive and static"
                        + " grid arms static_<size>_<delay> (e.g. static_5000_1500ms)");
        assertThatThrownBy(() -> JobOptions.fromArgs("--kafka-starting-offsets", "newest"))
                .hasMessage("--kafka-starting-offsets must be one of committed, earliest, latest, got 'newest'");
        assertThatThrownBy(() -> JobOptions.fromArgs("--slo", "2 parsecs"))
                .hasMessage("--slo must be a duration like 500ms, 2s or 1min, got '2 parsecs'");
        assertThatThrownBy(() -> JobOptions.fromArgs("--breaker-open", "soon"))
                .hasMessage("--breaker-open must be a duration like 500ms, 2s or 1min, got 'soon'");
        assertThatThrownBy(() -> JobOptions.fromArgs("--parallelism", "0"))
                .hasMessage("--parallelism must be >= 1, got '0'");
        assertThatThrownBy(() -> JobOptions.fromArgs("--events")).hasMessage("--events needs a value");
        assertThatThrownBy(() -> JobOptions.fromArgs("--jitter", "2s", "--commit", "shard"))
                .hasMessage("--jitter (2s) must not exceed the delay of every static arm: static has 1s");
        assertThatThrownBy(() -> JobOptions.fromArgs("--breaker-open", "20s"))
                .hasMessage("--breaker-open (20s) must not exceed --breaker-max-open (15s)");
        assertThatThrownBy(() -> JobOptions.fromArgs("--slo", "100ms"))
                .hasMessage("--adaptive-safety-margin (100ms) must be smaller than --slo (100ms)");
        assertThat(JobOptions.fromArgs("--slo", "100ms", "--arms", "static").slo()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void thePasswordIsNeverAnArgument() {
        assertThatThrownBy(() -> JobOptions.fromArgs("--jdbc-password", "secret"))
                .hasMessageStartingWith("unknown option(s): --jdbc-password;")
                .hasMessageContaining("--jdbc-password-env")
                .hasMessageNotContaining("secret");
    }

    @Test
    void writePathAndAdaptiveOptionsReachTheirPolicies() {
        JobOptions o = JobOptions.fromArgs("--retry-backoff", "50ms", "--retry-max-backoff", "2s",
                "--breaker-failures", "2", "--breaker-open", "500ms", "--breaker-max-open", "4s",
                "--outage-limit", "1min",
                "--adaptive-max-size", "1000", "--adaptive-max-delay", "1s", "--adaptive-target-utilisation", "0.5");
        assertThat(o.retryPolicy().toString()).isEqualTo("RetryPolicy(maxAttempts=unbounded, base=50ms, max=2000ms,"
                + " outageLimit=60000ms, breaker=2 failures, open 500-4000ms)");
        AdaptivePolicyConfig c = o.adaptivePolicyConfig();
        assertThat(List.of(c.maxSize(), c.maxDelayMillis(), c.sloMillis())).containsExactly(1000L, 1000L, 2000L);
        assertThat(c.targetUtilisation()).isEqualTo(0.5);
    }

    @Test
    void helpLinesShowTheDefaultInTheOptionsOwnSyntax() {
        assertThat(JobOptions.USAGE).contains("  --outage-limit D          how long a writer waits")
                .contains("(default: 5min)").contains("  --ab-mode shadow|split|off");
        assertThat(JobOption.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(JobOption.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(JobOption.format(0.0)).isEqualTo("0");
        for (String line : JobOptions.USAGE.split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void theBatchLogIsOffByDefaultAndItsNameIsAValidatedTableName() {
        assertThat(JobOptions.fromArgs().batchLogTable()).isNull();
        assertThat(JobOptions.fromArgs("--batch-log-table", "").batchLogTable()).isNull();
        assertThat(JobOptions.fromArgs("--batch-log-table", "ops.batch_log").batchLogTable()).isEqualTo("ops.batch_log");
        assertThatThrownBy(() -> JobOptions.fromArgs("--batch-log-table", "log; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--batch-log-table");
        assertThat(JobOptions.USAGE).contains("--batch-log-table NAME").contains("(default: off)");
    }
}
