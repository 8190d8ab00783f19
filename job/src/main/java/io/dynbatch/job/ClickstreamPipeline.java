package io.dynbatch.job;

import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.parse.ClickEventParser;
import io.dynbatch.job.parse.ParseClickEvents;
import io.dynbatch.job.report.AbComparator;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.parse.RouteLateEvents;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.FlushToDatabase;
import io.dynbatch.job.source.IngestTimeOfRawRecord;
import io.dynbatch.job.source.IngestTimeWatermarks;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.time.Duration;
import java.util.List;

/**
 * The dynbatch workflow: raw JSON clicks (with their source positions) -> parse/validate ->
 * ingest-time watermarks -> late events out -> per-shard pre-compaction on the subtask's heap (for the
 * static and adaptive arms) -> one or more A/B arms (shadow: every event to every arm; split: shards
 * divided), each batching its own way ({@link ArmPipelines}) and writing one
 * transaction per batch to its own table -> receipts of all arms. Refused records, late events and
 * rows the database rejected all go to the one dead-letter stream, each with its reason. Sources and
 * sinks are parameters, so tests and benchmarks swap them; every operator has a name and a stable uid.
 */
public final class ClickstreamPipeline {

    /** Bounded out-of-orderness of ingest times within one source split. */
    static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    static final Duration SOURCE_IDLENESS = Duration.ofSeconds(30);
    /** A split's watermark is emitted whenever it advanced this far (besides the periodic emission). */
    static final Duration WATERMARK_STEP = Duration.ofMillis(100);
    static final long MAX_FUTURE_SKEW_MILLIS = 60_000;

    private ClickstreamPipeline() {}

    public static void defineWorkflow(StreamExecutionEnvironment env, Source<RawClick, ?, ?> source, int sourceParallelism,
            JobOptions options, DatabaseSettings database, PipelineSinks sinks) {
        // Watermarks per source split (per Kafka partition), from the raw records' ingest_ts, emitted as
        // they advance (so a replayed backlog judges lateness as the first run did).
        WatermarkStrategy<RawClick> watermarks = WatermarkStrategy
                .<RawClick>forGenerator(context -> new IngestTimeWatermarks<>(MAX_OUT_OF_ORDERNESS, WATERMARK_STEP))
                .withTimestampAssigner(new IngestTimeOfRawRecord(MAX_FUTURE_SKEW_MILLIS))
                .withIdleness(SOURCE_IDLENESS);
        DataStream<RawClick> raw = env.fromSource(source, watermarks, "clickstream-source")
                .setParallelism(sourceParallelism)
                .uid("clickstream-source");

        SingleOutputStreamOperator<ClickEvent> parsed = raw.rebalance()
                .process(new ParseClickEvents(new ClickEventParser(options.maxRecordBytes(), MAX_FUTURE_SKEW_MILLIS)))
                .name("parse-validate")
                .uid("parse-validate");
        SingleOutputStreamOperator<ClickEvent> events = parsed
                .process(new RouteLateEvents(options.allowedLateness(), options.stateLayout()))
                .name("route-late-events")
                .uid("route-late-events");

        if (options.dryRun()) { // the input's ceiling: everything up to the arms, then nothing
            events.sinkTo(new DiscardingSink<>()).name("dry-run-discard").uid("dry-run-discard");
            parsed.getSideOutput(ParseClickEvents.DEAD_LETTERS).union(events.getSideOutput(RouteLateEvents.LATE))
                    .sinkTo(new DiscardingSink<>()).name("dry-run-discard-dead-letters").uid("dry-run-discard-dead-letters");
            return;
        }
        ShardKeys shardKeys = new ShardKeys(options.shards(), options.maxParallelism());
        List<ArmKind> arms = options.activeArms();
        ArmInput input = ArmInput.of(events, options, shardKeys); // bundles shared by the arms that read them
        DataStream<BatchReceipt> receipts = null;
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseClickEvents.DEAD_LETTERS)
                .union(events.getSideOutput(RouteLateEvents.LATE));
        for (int a = 0; a < arms.size(); a++) {
            ArmKind arm = arms.get(a);
            ArmInput armInput = options.abMode() == AbMode.SPLIT && arms.size() > 1
                    ? input.splitFor(arm, a, arms.size(), shardKeys)
                    : input;
            SingleOutputStreamOperator<BatchReceipt> armReceipts = ArmPipelines.build(arm, armInput, options,
                    database.withTotalsTable(options.totalsTableFor(database.totalsTable(), arm)), shardKeys);
            receipts = receipts == null ? armReceipts : receipts.union(armReceipts);
            deadLetters = deadLetters.union(armReceipts.getSideOutput(FlushToDatabase.REJECTED_ROWS));
            if (arm == ArmKind.TUMBLING_1MIN) {
                deadLetters = deadLetters.union(armReceipts.getSideOutput(ArmPipelines.TOO_LATE_FOR_WINDOW)
                        .map(e -> RouteLateEvents.deadLetterFor(e, "dropped by the 1-minute window as late")
                                .withArm(arm.label()))
                        .returns(DeadLetter.class)
                        .name("window-late-to-dead-letters")
                        .uid("window-late-to-dead-letters"));
            }
        }
        sinks.receipts(receipts);
        sinks.deadLetters(deadLetters);
        sinks.abReports(receipts
                .keyBy(r -> r.arm)
                .process(new AbComparator(options.reportInterval().toMillis(), options.slo().toMillis(),
                        CostModel.defaults()))
                .setParallelism(1)
                .name("ab-comparator")
                .uid("ab-comparator"));
    }
}
