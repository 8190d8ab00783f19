package io.dynbatch.job;

import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.parse.ParseClickEvents;
import io.dynbatch.job.parse.RouteLateEvents;
import io.dynbatch.job.source.IngestTimeOfRawRecord;
import io.dynbatch.job.source.IngestTimeWatermarks;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * One copy of the job's input: source (ingest-time watermarks per split) -> rebalance ->
 * parse-validate -> route-late-events, and, for the arms that read bundles, pre-compact-by-shard
 * ({@link ArmInput}). The job has one, which every arm reads, or with isolated arms one per arm, so
 * that an arm's backpressure stops only its own copy.
 *
 * <p>The operators are named and identified {@code clickstream-source}, {@code parse-validate},
 * {@code route-late-events} and {@code pre-compact-by-shard}, each followed by the chain's suffix:
 * none for the shared chain and the first isolated arm's (so the uids are the same as a single
 * chain's), {@code -<arm>} for the other arms' copies.
 */
final class InputChain {

    /** Bounded out-of-orderness of ingest times within one source split. */
    static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    static final Duration SOURCE_IDLENESS = Duration.ofSeconds(30);
    /** A split's watermark is emitted whenever it advanced this far (besides the periodic emission). */
    static final Duration WATERMARK_STEP = Duration.ofMillis(100);
    static final long MAX_FUTURE_SKEW_MILLIS = 60_000;

    private final SingleOutputStreamOperator<ClickEvent> parsed;
    private final SingleOutputStreamOperator<ClickEvent> events;
    private final ArmInput input;

    private InputChain(SingleOutputStreamOperator<ClickEvent> parsed, SingleOutputStreamOperator<ClickEvent> events,
            ArmInput input) {
        this.parsed = parsed;
        this.events = events;
        this.input = input;
    }

    /** The shared chain, or the first isolated arm's: the uids of a single chain. */
    static InputChain first(StreamExecutionEnvironment env, Source<RawClick, ?, ?> source, int sourceParallelism,
            JobOptions options, ShardKeys shardKeys) {
        return build(env, source, sourceParallelism, options, shardKeys, "");
    }

    /** The copy of the input that only {@code arm} reads, its names and uids suffixed {@code -<arm>}. */
    static InputChain ofArm(Arm arm, StreamExecutionEnvironment env, Source<RawClick, ?, ?> source,
            int sourceParallelism, JobOptions options, ShardKeys shardKeys) {
        return build(env, source, sourceParallelism, options, shardKeys, "-" + arm.label());
    }

    private static InputChain build(StreamExecutionEnvironment env, Source<RawClick, ?, ?> source,
            int sourceParallelism, JobOptions options, ShardKeys shardKeys, String suffix) {
        // Watermarks per source split (per Kafka partition), from the raw records' ingest_ts, emitted as
        // they advance (so a replayed backlog judges lateness as the first run did).
        WatermarkStrategy<RawClick> watermarks = WatermarkStrategy
                .<RawClick>forGenerator(context -> new IngestTimeWatermarks<>(MAX_OUT_OF_ORDERNESS, WATERMARK_STEP))
                .withTimestampAssigner(new IngestTimeOfRawRecord(MAX_FUTURE_SKEW_MILLIS))
                .withIdleness(SOURCE_IDLENESS);
        String sourceName = "clickstream-source" + suffix;
        DataStream<RawClick> raw = env.fromSource(source, watermarks, sourceName)
                .setParallelism(sourceParallelism)
                .uid(sourceName);

        String parse = "parse-validate" + suffix;
        SingleOutputStreamOperator<ClickEvent> parsed = raw.rebalance()
                .process(new ParseClickEvents(new ClickEventParser(options.maxRecordBytes(), MAX_FUTURE_SKEW_MILLIS)))
                .name(parse)
                .uid(parse);
        String late = "route-late-events" + suffix;
        SingleOutputStreamOperator<ClickEvent> events = parsed
                .process(new RouteLateEvents(options.allowedLateness(), options.stateLayout()))
                .name(late)
                .uid(late);
        return new InputChain(parsed, events, ArmInput.of(events, options, shardKeys, suffix));
    }

    /** The validated events that are not late. */
    DataStream<ClickEvent> events() {
        return events;
    }

    /** What the arms of this chain read: the events, or their pre-compacted bundles. */
    ArmInput input() {
        return input;
    }

    /** The records parse/validate refused and the events judged late. */
    DataStream<DeadLetter> deadLetters() {
        return parsed.getSideOutput(ParseClickEvents.DEAD_LETTERS).union(events.getSideOutput(RouteLateEvents.LATE));
    }
}
