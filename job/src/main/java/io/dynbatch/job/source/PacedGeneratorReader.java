package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.core.io.InputStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Emits each event of its splits once its release time has come (its due time plus any upstream
 * lag, {@link ClickstreamGenerator#releasedAt}), without blocking the task thread:
 * when the next event is not yet due it reports NOTHING_AVAILABLE and completes its availability
 * future at the due time. Each record's origin is its split and index; the position in the current
 * split is checkpointed, so a restored reader emits the same records with the same origins again.
 */
final class PacedGeneratorReader implements SourceReader<RawClick, NumberSequenceSplit> {

    /** Most events emitted per poll, so checkpoints and mails are never held up for long. */
    private static final int MAX_EVENTS_PER_POLL = 512;

    private final SourceReaderContext context;
    private final ClickstreamGenerator generator;
    private final ArrayDeque<NumberSequenceSplit> pending = new ArrayDeque<>();
    private final ScheduledExecutorService wakeUps;

    private NumberSequenceSplit current;
    private String currentOrigin; // origin prefix of the current split
    private long next; // next index of the current split
    private boolean noMoreSplits;
    private boolean splitRequested;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    PacedGeneratorReader(SourceReaderContext context, ClickstreamGenerator generator) {
        this.context = context;
        this.generator = generator;
        this.wakeUps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clickstream-generator-pacer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() {
        requestSplit();
    }

    private void requestSplit() {
        if (!splitRequested && !noMoreSplits) {
            splitRequested = true;
            context.sendSplitRequest();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RawClick> output) {
        for (int emitted = 0; emitted < MAX_EVENTS_PER_POLL; emitted++) {
            if (!advanceToAvailableIndex()) {
                return noMoreSplits ? InputStatus.END_OF_INPUT : waitForSplits();
            }
            long dueAt = generator.releasedAt(next);
            long now = System.currentTimeMillis();
            if (dueAt > now) {
                return waitUntil(dueAt - now);
            }
            output.collect(new RawClick(generator.json(next), currentOrigin + next));
            next++;
        }
        return InputStatus.MORE_AVAILABLE;
    }

    /** Makes {@code current/next} point at an unread index; false if there is none yet. */
    private boolean advanceToAvailableIndex() {
        while (current == null || next > current.to()) {
            current = pending.poll();
            if (current == null) {
                return false;
            }
            next = current.from();
            currentOrigin = generator.originPrefix(current.splitId());
        }
        return true;
    }

    private InputStatus waitForSplits() {
        requestSplit();
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    private InputStatus waitUntil(long delayMillis) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        available = future;
        wakeUps.schedule(() -> future.complete(null), delayMillis, TimeUnit.MILLISECONDS);
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<NumberSequenceSplit> splits) {
        pending.addAll(splits);
        splitRequested = false;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public List<NumberSequenceSplit> snapshotState(long checkpointId) {
        List<NumberSequenceSplit> state = new ArrayList<>(pending.size() + 1);
        if (current != null && next <= current.to()) {
            state.add(new NumberSequenceSplit(current.splitId(), next, current.to()));
        }
        state.addAll(pending);
        return state;
    }

    @Override
    public void close() {
        wakeUps.shutdownNow();
    }
}
