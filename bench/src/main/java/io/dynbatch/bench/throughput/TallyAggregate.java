package io.dynbatch.bench.throughput;

import io.dynbatch.job.model.ClickEvent;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * A deliberately cheap aggregate (a count), so that the trigger's own cost is as visible as it can
 * be in the records/s of a window: the job's {@code CompactRows} would add a map update per event to
 * every variant alike and shrink the differences.
 */
public class TallyAggregate implements AggregateFunction<ClickEvent, Tally, Tally> {

    private static final long serialVersionUID = 1L;

    @Override
    public Tally createAccumulator() {
        return new Tally();
    }

    @Override
    public Tally add(ClickEvent e, Tally t) {
        t.events++;
        t.newestIngest = Math.max(t.newestIngest, e.ingestTime);
        return t;
    }

    @Override
    public Tally getResult(Tally t) {
        return t;
    }

    @Override
    public Tally merge(Tally a, Tally b) {
        return new Tally(a.events + b.events, Math.max(a.newestIngest, b.newestIngest));
    }
}
