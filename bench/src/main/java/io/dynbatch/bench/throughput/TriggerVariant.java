package io.dynbatch.bench.throughput;

import io.dynbatch.job.ArmKind;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.triggers.AdaptiveBatchTrigger;
import io.dynbatch.triggers.StaticBatchTrigger;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.streaming.api.windowing.triggers.CountTrigger;
import org.apache.flink.streaming.api.windowing.triggers.ProcessingTimeoutTrigger;
import org.apache.flink.streaming.api.windowing.triggers.PurgingTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;

import java.time.Duration;

/**
 * What sits between {@code keyBy} and the discarding sink in a throughput run. All windowed variants
 * flush at the same size and have the same (generous) time cap, so that in a run every flush is a
 * size flush and the comparison is like for like: the same batches, the same timers per batch.
 */
public enum TriggerVariant {
    /** Flink's own: {@code PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.of(n), d))}. */
    BUILTIN(ArmKind.BUILTIN),
    /** {@code StaticBatchTrigger.of(n, d)}. */
    STATIC(ArmKind.STATIC),
    /** {@code AdaptiveBatchTrigger} with maxSize = n, maxDelay = SLO = d (caps equal the built-in's). */
    ADAPTIVE(ArmKind.ADAPTIVE),
    /** No window at all: a plain keyed {@code reduce}, the upper bound. Batch size does not apply. */
    REDUCE(null);

    /** The label of the keyed-reduce reference in every benchmark's results. */
    public static final String KEYED_REDUCE = "keyed-reduce";

    /** Time cap of every windowed variant: longer than any run, so no flush is by time. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(60);

    private final String label;

    /** @param arm the job's arm kind whose trigger this is (its label names the variant), null for the reduce */
    TriggerVariant(ArmKind arm) {
        this.label = arm == null ? KEYED_REDUCE : arm.label();
    }

    public String label() {
        return label;
    }

    public boolean windowed() {
        return this != REDUCE;
    }

    /** The trigger flushing at {@code batchSize} elements; not for {@link #REDUCE}. */
    public Trigger<? super ClickEvent, GlobalWindow> trigger(int batchSize) {
        return switch (this) {
            case BUILTIN -> PurgingTrigger.of(ProcessingTimeoutTrigger.of(CountTrigger.<GlobalWindow>of(batchSize), MAX_DELAY));
            case STATIC -> StaticBatchTrigger.<ClickEvent, GlobalWindow>of(batchSize, MAX_DELAY).withMetricsScope(label);
            case ADAPTIVE -> AdaptiveBatchTrigger.<ClickEvent, GlobalWindow>of(adaptiveConfig(batchSize)).withMetricsScope(label);
            case REDUCE -> throw new IllegalStateException("the keyed reduce has no trigger");
        };
    }

    /**
     * Caps equal to the built-in's: maxSize = batch size, maxDelay = SLO = {@link #MAX_DELAY}, and a
     * memory cap that never binds before maxSize (at least the default 64 MiB).
     */
    public static AdaptivePolicyConfig adaptiveConfig(int batchSize) {
        AdaptivePolicyConfig defaults = AdaptivePolicyConfig.defaults();
        return AdaptivePolicyConfig.builder()
                .slo(MAX_DELAY)
                .maxDelay(MAX_DELAY)
                .maxSize(batchSize)
                .maxPendingBytes(Math.max(defaults.maxPendingBytes(), (batchSize + 1L) * defaults.assumedElementBytes()))
                .build();
    }

    public static TriggerVariant byLabel(String label) {
        for (TriggerVariant v : values()) {
            if (v.label.equals(label) || v.name().equalsIgnoreCase(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant " + label);
    }
}
