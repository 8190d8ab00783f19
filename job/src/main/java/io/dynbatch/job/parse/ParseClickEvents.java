package io.dynbatch.job.parse;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns raw JSON records into {@link ClickEvent}s. A record that fails validation never stops the
 * job: it goes to the {@link #DEAD_LETTERS} side output with its reason, keyed by its source position
 * (so a replay records it once), and is counted in the {@code dynbatch.deadLetters} metric.
 */
public class ParseClickEvents extends ProcessFunction<RawClick, ClickEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final ClickEventParser parser;
    private transient Counter parsed;
    private transient Counter deadLetters;

    public ParseClickEvents(ClickEventParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        var group = getRuntimeContext().getMetricGroup().addGroup("dynbatch");
        parsed = group.counter("parsedEvents");
        deadLetters = group.counter("deadLetters");
    }

    @Override
    public void processElement(RawClick raw, Context ctx, Collector<ClickEvent> out) {
        ParseResult result = parser.parse(raw, System::currentTimeMillis);
        if (result.isOk()) {
            parsed.inc();
            out.collect(result.event());
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, result.deadLetter());
        }
    }
}
