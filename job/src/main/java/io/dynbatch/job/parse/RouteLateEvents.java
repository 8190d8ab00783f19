package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.source.ClickstreamGenerator;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Sends events older than {@code watermark - allowedLateness} to the {@link #LATE} output (as dead
 * letters with reason {@code late_event}, counted in {@code dynbatch.lateEvents}): their minute's
 * row is closed, its total may already be final downstream. Late events are accounted for, never
 * silently dropped.
 */
public class RouteLateEvents extends ProcessFunction<ClickEvent, ClickEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events") {};

    private final long allowedLatenessMillis;
    private transient Counter late;

    public RouteLateEvents(Duration allowedLateness) {
        this.allowedLatenessMillis = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("dynbatch").counter("lateEvents");
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) {
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && event.ingestTime < watermark - allowedLatenessMillis) {
            late.inc();
            ctx.output(LATE, new DeadLetter("late_event",
                    "ingest_ts " + (watermark - event.ingestTime) + " ms behind the watermark (allowed lateness "
                            + allowedLatenessMillis + " ms)",
                    ClickstreamGenerator.toJson(event), System.currentTimeMillis()));
        } else {
            out.collect(event);
        }
    }
}
