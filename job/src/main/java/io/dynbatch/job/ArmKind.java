package io.dynbatch.job;

import io.dynbatch.job.options.Labelled;

/**
 * The batching strategies the job can run side by side: the kind of an A/B {@link Arm}. Each kind's
 * label names the arm of that kind that {@code --arms} lists by name; static grid arms ({@code
 * static_<size>_<delay>}) are further arms of kind {@link #STATIC}. The labels are in uids, state
 * layouts and table names of existing deployments: they do not change.
 */
public enum ArmKind implements Labelled {
    /** What users run today: 1-minute tumbling event-time windows keyed by page. */
    TUMBLING_1MIN("tumbling_1min"),
    /** Flink's built-in PurgingTrigger(ProcessingTimeoutTrigger(CountTrigger)), keyed by shard. */
    BUILTIN("builtin"),
    /** dynbatch's StaticBatchTrigger: size or age. */
    STATIC("static"),
    /** dynbatch's AdaptiveBatchTrigger: size and deadline follow load, latency spent and sink cost. */
    ADAPTIVE("adaptive");

    private final String label;

    ArmKind(String label) {
        this.label = label;
    }

    /**
     * Whether the arm's windows take pre-compacted bundles when the job pre-compacts: dynbatch's
     * triggers count the events in a bundle; Flink's built-in CountTrigger counts elements, and the
     * tumbling arm is kept as users run it, on the events.
     */
    public boolean readsBundles() {
        return this == STATIC || this == ADAPTIVE;
    }

    /** The named arm's name in {@code --arms}, metrics, receipts, reports and table names. */
    @Override
    public String label() {
        return label;
    }
}
