package io.dynbatch.job;

import io.dynbatch.job.batch.ShardKeys;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.parse.RouteLateEvents;
import io.dynbatch.job.report.AbComparator;
import io.dynbatch.job.report.CostModel;
import io.dynbatch.job.sink.BatchLogTable;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.FlushToDatabase;
import io.dynbatch.job.source.ClickSources;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.ArrayList;
import java.util.List;

/**
 * The dynbatch workflow: raw JSON clicks (with their source positions) -> parse/validate ->
 * ingest-time watermarks -> late events out -> per-shard pre-compaction on the subtask's heap (for the
 * static and adaptive arms) -> one or more A/B arms (shadow: every event to every arm; split: shards
 * divided), each batching its own way ({@link ArmPipelines}) and writing one
 * transaction per batch to its own table -> receipts of all arms. Refused records, late events and
 * rows the database rejected all go to the one dead-letter stream, each with its reason. Sources and
 * sinks are parameters, so tests and benchmarks swap them; every operator has a name and a stable uid.
 *
 * <p>The input chain up to the arms ({@link InputChain}) is one, shared by every arm, or, with
 * isolated arms ({@link JobOptions#isolatesArms()}), one per arm, each reading its own source, so
 * that one arm's backpressure never reaches another; the arms meet again only where their receipts
 * and dead letters are merged (the A/B comparator, the receipt and dead-letter sinks), over
 * all-to-all edges, which take the unaligned checkpoint barriers such a job uses ({@link
 * DynbatchJob#configure}). The copies see the same records, so their parse and late-event dead
 * letters are the same: those of the first arm's copy are the job's, the others' are not used.
 */
public final class ClickstreamPipeline {

    /** Name and uid of the batch log's sink ({@code --batch-log-table}). */
    public static final String BATCH_LOG_UID = "batch-log-to-db";

    private ClickstreamPipeline() {}

    /**
     * The workflow reading {@code source}; isolated arms read copies of it ({@link
     * ClickSources#copiesOf}: fine for the generator; a Kafka source needs {@link
     * io.dynbatch.job.source.KafkaClickSource#sources}, one consumer group per arm).
     */
    public static void defineWorkflow(StreamExecutionEnvironment env, Source<RawClick, ?, ?> source, int sourceParallelism,
            JobOptions options, DatabaseSettings database, PipelineSinks sinks) {
        defineWorkflow(env, ClickSources.copiesOf(source), sourceParallelism, options, database, sinks);
    }

    /** The workflow, each input chain reading a source from {@code sources} at {@code sourceParallelism}. */
    public static void defineWorkflow(StreamExecutionEnvironment env, ClickSources sources, int sourceParallelism,
            JobOptions options, DatabaseSettings database, PipelineSinks sinks) {
        ShardKeys shardKeys = new ShardKeys(options.shards(), options.maxParallelism());
        List<Arm> arms = options.activeArms();
        boolean isolated = options.isolatesArms();
        InputChain first = InputChain.first(env, isolated ? sources.forArm(arms.get(0)) : sources.shared(),
                sourceParallelism, options, shardKeys);

        if (options.dryRun()) { // the input's ceiling: everything up to the arms, then nothing
            first.events().sinkTo(new DiscardingSink<>()).name("dry-run-discard").uid("dry-run-discard");
            first.deadLetters()
                    .sinkTo(new DiscardingSink<>()).name("dry-run-discard-dead-letters").uid("dry-run-discard-dead-letters");
            return;
        }
        List<ArmInput> inputs = new ArrayList<>();
        for (int a = 0; a < arms.size(); a++) {
            Arm arm = arms.get(a);
            if (isolated) {
                inputs.add(a == 0 ? first.input()
                        : InputChain.ofArm(arm, env, sources.forArm(arm), sourceParallelism, options, shardKeys).input());
            } else if (options.abMode() == AbMode.SPLIT && arms.size() > 1) {
                inputs.add(first.input().splitFor(arm, a, arms.size(), shardKeys));
            } else {
                inputs.add(first.input()); // bundles shared by the arms that read them
            }
        }
        DataStream<BatchReceipt> receipts = null;
        DataStream<DeadLetter> deadLetters = first.deadLetters(); // once, however many copies of the input
        for (int a = 0; a < arms.size(); a++) {
            Arm arm = arms.get(a);
            SingleOutputStreamOperator<BatchReceipt> armReceipts = ArmPipelines.build(arm, inputs.get(a), options,
                    database.withTotalsTable(options.totalsTableFor(database.totalsTable(), arm)), shardKeys);
            receipts = receipts == null ? armReceipts : receipts.union(armReceipts);
            deadLetters = deadLetters.union(armReceipts.getSideOutput(FlushToDatabase.REJECTED_ROWS));
            if (arm.kind() == ArmKind.TUMBLING_1MIN) {
                deadLetters = deadLetters.union(armReceipts.getSideOutput(ArmPipelines.TOO_LATE_FOR_WINDOW)
                        .map(e -> RouteLateEvents.deadLetterFor(e, "dropped by the 1-minute window as late")
                                .withArm(arm.label()))
                        .returns(DeadLetter.class)
                        .name("window-late-to-dead-letters")
                        .uid("window-late-to-dead-letters"));
            }
        }
        if (isolated) { // where the arms meet, every edge all-to-all: Flink aligns pointwise edges always
            receipts = receipts.rebalance();
            deadLetters = deadLetters.rebalance();
        }
        if (options.batchLogTable() != null) { // every receipt, one row each, whatever the caller does with them
            receipts.sinkTo(new BatchLogTable(options.batchLogTable()).sink(database, options.retryPolicy()))
                    .name(BATCH_LOG_UID)
                    .uid(BATCH_LOG_UID);
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
