package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.DeadLetterKeys;
import io.dynbatch.job.source.ClickstreamGenerator;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.List;

/**
 * Sends late events ({@link Lateness}: at or before {@code watermark - allowedLateness}) to the
 * {@link #LATE} output (as dead letters with reason {@code late_event}, counted in {@code
 * dynbatch.lateEvents}): their minute's row is closed, its total may already be final downstream. Late events are accounted for, never
 * silently dropped, and recorded once per {@code event_id} however often a replay routes them here
 * ({@link #deadLetterFor}).
 */
public class RouteLateEvents extends ProcessFunction<ClickEvent, ClickEvent> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events") {};

    private final long allowedLatenessMillis;
    private final String stateLayout;
    private transient Counter late;
    /** Highest watermark seen, checkpointed: after a restore lateness is judged against it at least. */
    private transient long watermarkFloor;
    private transient ListState<Long> watermarkFloorState;
    private transient ListState<String> layoutState;

    /**
     * @param stateLayout what the job's keyed state depends on (shard count, split layout, isolated arms): a
     *     restore from a checkpoint or savepoint taken with another layout fails with a clear error
     *     instead of silently freezing the totals of rows that moved to other shards
     */
    public RouteLateEvents(Duration allowedLateness, String stateLayout) {
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.stateLayout = stateLayout;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("dynbatch").counter("lateEvents");
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermarkFloorState.update(List.of(watermarkFloor));
        layoutState.update(List.of(stateLayout));
    }

    /**
     * Watermarks are not checkpointed: a restored job starts from none. Without a floor, events
     * judged late before a failure could pass after it, into rows already pruned from state. A
     * restore takes the lowest floor of all subtasks (union state, so rescaling works): every
     * downstream shard pruned only below the minimum of its inputs' watermarks, so that floor
     * keeps every event of a pruned row late, and it is the floor that dead-letters fewest.
     */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermarkFloorState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("late-watermark-floor", Types.LONG));
        layoutState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("state-layout", Types.STRING));
        for (String restored : layoutState.get()) {
            if (!restored.equals(stateLayout)) {
                throw new IllegalStateException("This savepoint/checkpoint was taken with state layout '" + restored
                        + "' but the job now has '" + stateLayout + "'. The shard count (--shards, --max-parallelism) "
                        + "the split arms and the commit mode (--commit) must not change while the totals tables are kept: rows would move to "
                        + "shards whose state does not hold their totals. Nor can the arms' input change between shared and "
                        + "isolated (--ab-isolation), nor the isolated arms and their order (--arms): each arm's totals "
                        + "belong to its own source position. Nor can windows that held events restore as "
                        + "windows of pre-compacted bundles (window=bundles; --pre-compact-delay 0 keeps events). Keep "
                        + "the old values, or start fresh with new tables (see docs/operations.md).");
            }
        }
        long lowest = Long.MAX_VALUE;
        for (Long floor : watermarkFloorState.get()) {
            lowest = Math.min(lowest, floor);
        }
        watermarkFloor = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
    }

    /**
     * The dead letter of an event judged late, on any path (this router, a window's late output),
     * keyed by its {@code event_id} so that it is recorded once.
     */
    public static DeadLetter deadLetterFor(ClickEvent event, String detail) {
        return new DeadLetter("late_event", detail, ClickstreamGenerator.toJson(event), System.currentTimeMillis())
                .withDedupeKey(DeadLetterKeys.ofLateEvent(event));
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) {
        long current = ctx.timerService().currentWatermark();
        if (current != Long.MAX_VALUE) { // MAX means end of input (or a draining stop), not event time
            watermarkFloor = Math.max(watermarkFloor, current);
        }
        long watermark = watermarkFloor;
        if (Lateness.isLate(event.ingestTime, Lateness.bound(watermark, allowedLatenessMillis))) {
            late.inc();
            ctx.output(LATE, deadLetterFor(event, "ingest_ts " + (watermark - event.ingestTime)
                    + " ms behind the watermark (allowed lateness " + allowedLatenessMillis + " ms)"));
        } else {
            out.collect(event);
        }
    }
}
