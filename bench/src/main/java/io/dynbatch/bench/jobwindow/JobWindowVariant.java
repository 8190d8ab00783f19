package io.dynbatch.bench.jobwindow;

import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.job.ArmKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What the job-window benchmark runs between the events and the discarding sink: one of the job's
 * arms as the job builds it by default, the adaptive arm with pre-compaction switched off (the
 * per-event path, for the comparison in the same run), or the keyed-reduce reference.
 */
public enum JobWindowVariant {
    /** Flink's built-in triggers; reads events (Flink's {@code CountTrigger} counts elements). */
    BUILTIN(ArmKind.BUILTIN, true),
    /** The static arm as deployed: pre-compacted bundles per shard, counted in events. */
    STATIC(ArmKind.STATIC, true),
    /** The adaptive arm as deployed: pre-compacted bundles per shard, counted in events. */
    ADAPTIVE(ArmKind.ADAPTIVE, true),
    /** The adaptive arm with {@code --pre-compact-delay 0}: every event through the shuffle and the window. */
    ADAPTIVE_EVENTS(ArmKind.ADAPTIVE, false),
    /** No window: a plain keyed {@code reduce} of the same events, the reference. */
    KEYED_REDUCE(null, false);

    private final String label;
    private final ArmKind arm;
    private final boolean preCompacts;

    /** Labelled by the arm kind, with {@code -events} when a pre-compacting arm reads the events. */
    JobWindowVariant(ArmKind arm, boolean preCompacts) {
        this.label = arm == null ? TriggerVariant.KEYED_REDUCE
                : arm.label() + (arm.readsBundles() && !preCompacts ? "-events" : "");
        this.arm = arm;
        this.preCompacts = preCompacts;
    }

    public String label() {
        return label;
    }

    /** The job's arm this runs, or null for the keyed reduce. */
    public ArmKind arm() {
        return arm;
    }

    /**
     * The job options of a run flushing every shard at {@code batchSize} events, with a time cap
     * (and, for the adaptive arm, an SLO) longer than any run, so every flush is a size flush.
     */
    public List<String> jobArgs(int batchSize, int shards, String timeCap) {
        List<String> args = new ArrayList<>(List.of("--shards", String.valueOf(shards),
                "--batch-size", String.valueOf(batchSize), "--batch-delay", timeCap,
                "--slo", timeCap, "--adaptive-max-delay", timeCap, "--adaptive-max-size", String.valueOf(batchSize)));
        if (!preCompacts) {
            args.addAll(List.of("--pre-compact-delay", "0"));
        }
        return args;
    }

    public static JobWindowVariant byLabel(String label) {
        for (JobWindowVariant v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown job-window variant " + label + "; one of builtin, static, adaptive, "
                + "adaptive-events, keyed-reduce");
    }
}
