package io.dynbatch.job.batch;

import java.util.Arrays;

/**
 * The ingest times of one row's events in a pending batch, run-length encoded in 4 bytes a run.
 * Every event of a row lies in the row's minute, so an ingest time is stored as its millisecond
 * within that minute (0..59,999: 16 bits), packed with the number of consecutive events that had
 * it (up to 65,535; a longer run continues in a new one). Events arrive roughly in ingest order,
 * so a row's events at the same millisecond mostly share one run; an out-of-order event starts a
 * new run, and readers add runs up. At most one run (4 bytes) per event, usually fewer; the array
 * grows by doubling and Flink's serializer writes its whole capacity, so a checkpoint holds up to
 * about 8 bytes per event.
 *
 * <p>A Flink POJO (public fields, an {@code int[]}), so state and network use Flink's own
 * serializers; {@code size} runs of {@code runs} are used, the rest is spare capacity.
 */
public class IngestTimeRuns {

    /** Receives one run: an ingest time (epoch millis) and how many events had it. */
    @FunctionalInterface
    public interface RunConsumer {
        void accept(long ingestMillis, long events);
    }

    static final int MAX_RUN = 0xFFFF;
    private static final long MINUTE_MILLIS = 60_000L;

    /** Runs, each {@code millisIntoMinute << 16 | events}. */
    public int[] runs = new int[2];
    /** Runs in use. */
    public int size;

    public IngestTimeRuns() {}

    /** Adds one event, {@code millisIntoMinute} after the start of its row's minute. */
    public void add(int millisIntoMinute) {
        if (millisIntoMinute < 0 || millisIntoMinute >= MINUTE_MILLIS) {
            throw new IllegalArgumentException("not a millisecond of a minute: " + millisIntoMinute);
        }
        if (size > 0) {
            int last = runs[size - 1];
            if (last >>> 16 == millisIntoMinute && (last & MAX_RUN) < MAX_RUN) {
                runs[size - 1] = last + 1;
                return;
            }
        }
        append(millisIntoMinute << 16 | 1);
    }

    public void addAll(IngestTimeRuns other) {
        for (int i = 0; i < other.size; i++) {
            append(other.runs[i]);
        }
    }

    /** Calls {@code consumer} for every run, with ingest times in the row's minute ({@code minuteStart}). */
    public void forEach(long minuteStart, RunConsumer consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(minuteStart + (runs[i] >>> 16), runs[i] & MAX_RUN);
        }
    }

    private void append(int run) {
        if (size == runs.length) {
            runs = Arrays.copyOf(runs, Math.max(2, size * 2));
        }
        runs[size++] = run;
    }
}
