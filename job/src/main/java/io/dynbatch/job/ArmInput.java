package io.dynbatch.job;

import io.dynbatch.job.batch.PreCompactByShard;
import io.dynbatch.job.batch.ShardBundle;
import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.function.Supplier;

/**
 * What the arms of one input chain read: the validated events, and, when the job pre-compacts, the
 * same events as per-shard bundles ({@link PreCompactByShard}, one operator shared by every arm of
 * the chain that reads bundles, built only if one does). Arms that count events per element
 * (built-in, tumbling) read the events.
 */
public final class ArmInput {

    static final String PRE_COMPACT = "pre-compact-by-shard";

    private final Supplier<DataStream<ClickEvent>> eventSource;
    private final Supplier<DataStream<ShardBundle>> bundleSource;
    private DataStream<ClickEvent> events;
    private DataStream<ShardBundle> bundles;

    /** Either stream is built on first use only, so no operator is left without a reader. */
    private ArmInput(Supplier<DataStream<ClickEvent>> eventSource, Supplier<DataStream<ShardBundle>> bundleSource) {
        this.eventSource = eventSource;
        this.bundleSource = bundleSource;
    }

    /** The input of {@code events}, pre-compacted as {@code options} say (or not at all). */
    public static ArmInput of(DataStream<ClickEvent> events, JobOptions options, ShardKeys shardKeys) {
        return of(events, options, shardKeys, "");
    }

    /**
     * The input of {@code events}, its pre-compaction operator (if any) named and identified {@code
     * pre-compact-by-shard} followed by {@code suffix} (an isolated arm's copy of the input: {@code
     * -<arm>}).
     */
    static ArmInput of(DataStream<ClickEvent> events, JobOptions options, ShardKeys shardKeys, String suffix) {
        if (!options.preCompacts()) {
            return new ArmInput(() -> events, null);
        }
        PreCompactByShard preCompact = new PreCompactByShard(shardKeys, options.preCompactEvents(),
                options.preCompactDelay());
        if (!options.preCompactBacklogDelay().isZero()) {
            preCompact = preCompact.whileBehind(options.slo(), options.preCompactBacklogEvents(),
                    options.preCompactBacklogDelay());
        }
        PreCompactByShard operator = preCompact;
        String name = PRE_COMPACT + suffix;
        return new ArmInput(() -> events, () -> events
                .transform(name, TypeInformation.of(ShardBundle.class), operator)
                .name(name)
                .uid(name));
    }

    public DataStream<ClickEvent> events() {
        if (events == null) {
            events = eventSource.get();
        }
        return events;
    }

    /** Whether the arms that can read bundles do. */
    public boolean hasBundles() {
        return bundleSource != null;
    }

    /** The bundles (built on the first call); only if {@link #hasBundles()}. */
    public DataStream<ShardBundle> bundles() {
        if (bundleSource == null) {
            throw new IllegalStateException("the job does not pre-compact");
        }
        if (bundles == null) {
            bundles = bundleSource.get();
        }
        return bundles;
    }

    /** This input restricted to the shards {@code arm} owns in split mode ({@code shard % arms == index}). */
    ArmInput splitFor(Arm arm, int index, int arms, ShardKeys shardKeys) {
        String name = "split-to-" + arm.label();
        FilterFunction<ClickEvent> ownEvent = e -> shardKeys.shardOf(e) % arms == index;
        FilterFunction<ShardBundle> ownBundle = b -> b.shard % arms == index;
        return new ArmInput(() -> events().filter(ownEvent).name(name).uid(name),
                bundleSource == null ? null : () -> bundles().filter(ownBundle).name(name + "-bundles").uid(name + "-bundles"));
    }
}
