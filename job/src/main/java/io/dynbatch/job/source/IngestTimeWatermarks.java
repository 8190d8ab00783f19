package io.dynbatch.job.source;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import java.time.Duration;

/**
 * Bounded out-of-orderness watermarks on ingest time (the highest ingest time seen minus the bound),
 * emitted as soon as they advance by {@code step}, not only on the periodic timer.
 *
 * <p>Why eagerly: lateness is judged downstream against the watermark. With periodic emission only,
 * a source that replays a backlog after a restart (a checkpoint's offsets, or no checkpoint at all)
 * pushes thousands of records through before its first watermark, and a record ten minutes old then
 * passes as on time; in the original run it was late. Emitted from the records themselves, a split's
 * watermark after a given record is the same in every run, so a replay judges lateness as the first
 * run did (up to the step, and the order in which the splits' watermarks meet downstream). At most one
 * watermark per {@code step} of ingest time per split.
 */
public final class IngestTimeWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMillis;
    private final long stepMillis;
    private long maxTimestamp;
    private long emitted = Long.MIN_VALUE;

    public IngestTimeWatermarks(Duration maxOutOfOrderness, Duration step) {
        this.outOfOrdernessMillis = maxOutOfOrderness.toMillis();
        this.stepMillis = Math.max(1, step.toMillis());
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
            long candidate = current();
            if (emitted == Long.MIN_VALUE || candidate - emitted >= stepMillis) {
                emit(candidate, output);
            }
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = current();
        if (candidate > emitted) {
            emit(candidate, output);
        }
    }

    private long current() {
        return maxTimestamp - outOfOrdernessMillis - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        emitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
