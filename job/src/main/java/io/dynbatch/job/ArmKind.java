package io.dynbatch.job;

import java.util.Locale;

/** The batching strategies the job can run side by side (A/B arms). */
public enum ArmKind {
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

    /** The arm's name in metrics, receipts, reports and table names. */
    public String label() {
        return label;
    }

    public static ArmKind parse(String name) {
        for (ArmKind k : values()) {
            if (k.label.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown arm '" + name + "': use tumbling_1min, builtin, static or adaptive");
    }
}
