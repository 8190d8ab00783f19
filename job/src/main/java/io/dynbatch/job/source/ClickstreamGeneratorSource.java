package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.Collection;

/**
 * A bounded Source (FLIP-27) that emits the {@link ClickstreamGenerator}'s events as JSON records
 * ({@link RawClick}, their origin the run, split and index), each no earlier than its due time, so
 * the stream follows the traffic profile in real time. If the job falls behind, events are emitted
 * as fast as it accepts them, and keep their original ingest time: the lag counts as insight
 * latency, as Kafka lag would.
 *
 * <p>Splits, their assignment and their serialization are Flink's own {@link NumberSequenceSource}
 * ones (a split is a range of event indices); the position within a split is checkpointed, so a
 * restored job resumes right after the last event emitted before the checkpoint, re-emitting the
 * later ones with the same origins. Run it with parallelism 1 to keep events in due-time order (one
 * subtask easily emits several hundred thousand events per second).
 */
public final class ClickstreamGeneratorSource
        implements Source<RawClick, NumberSequenceSplit, Collection<NumberSequenceSplit>>, ResultTypeQueryable<RawClick> {

    private static final long serialVersionUID = 1L;

    private final ClickstreamGenerator generator;
    private final NumberSequenceSource indices;

    public ClickstreamGeneratorSource(ClickstreamGenerator generator) {
        if (generator.totalEvents() < 1) {
            throw new IllegalArgumentException("the generator must produce at least one event");
        }
        this.generator = generator;
        this.indices = new NumberSequenceSource(0, generator.totalEvents() - 1);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RawClick, NumberSequenceSplit> createReader(SourceReaderContext context) {
        return new PacedGeneratorReader(context, generator);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context) {
        return indices.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> restoreEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context, Collection<NumberSequenceSplit> checkpoint) {
        return indices.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<NumberSequenceSplit> getSplitSerializer() {
        return indices.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<NumberSequenceSplit>> getEnumeratorCheckpointSerializer() {
        return indices.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<RawClick> getProducedType() {
        return TypeInformation.of(RawClick.class);
    }
}
