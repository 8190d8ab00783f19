package io.dynbatch.job;

import io.dynbatch.job.options.Labelled;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * One A/B arm as the job runs it: its {@linkplain ArmKind kind} and its label, the arm's name in
 * {@code --arms}, uids, metrics, receipts, reports and table names ({@code <table>_<label>}). The
 * four named arms are labelled by their kind ({@link #named}); a <em>static grid arm</em>
 * ({@link #staticGrid}) is a static arm with a size and delay of its own, labelled {@code
 * static_<size>_<delay>} (e.g. {@code static_5000_1500ms}, see {@link ArmLabels}), so that one run
 * can compare several static settings. The plain {@code static} arm takes {@code --batch-size} and
 * {@code --batch-delay} ({@link JobOptions#batchSizeOf}). Immutable.
 *
 * @param kind how the arm batches
 * @param label the arm's name
 * @param grid a static grid arm's own setting; null for the named arms
 */
public record Arm(ArmKind kind, String label, Grid grid) implements Labelled, Serializable {

    /** A static grid arm's setting: flush at {@code batchSize} events or {@code batchDelay} after a batch's first. */
    public record Grid(long batchSize, Duration batchDelay) implements Serializable {
        public Grid {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (batchDelay == null || batchDelay.isZero() || batchDelay.isNegative()) {
                throw new IllegalArgumentException("batch delay must be > 0, got " + batchDelay);
            }
        }
    }

    public static final Arm TUMBLING_1MIN = named(ArmKind.TUMBLING_1MIN);
    public static final Arm BUILTIN = named(ArmKind.BUILTIN);
    public static final Arm STATIC = named(ArmKind.STATIC);
    public static final Arm ADAPTIVE = named(ArmKind.ADAPTIVE);

    public Arm {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        String expected = grid == null ? kind.label() : ArmLabels.gridLabel(grid.batchSize(), grid.batchDelay());
        if (!label.equals(expected) || (grid != null && kind != ArmKind.STATIC)) {
            throw new IllegalArgumentException("arm " + label + ": a named arm is labelled by its kind, a static grid"
                    + " arm by its setting (" + expected + ")");
        }
    }

    /** The arm of {@code kind} labelled by it (for static: {@code --batch-size}, {@code --batch-delay}). */
    public static Arm named(ArmKind kind) {
        return new Arm(kind, kind.label(), null);
    }

    /** The static arm flushing at {@code batchSize} events or {@code batchDelay}, labelled {@code static_<size>_<delay>}. */
    public static Arm staticGrid(long batchSize, Duration batchDelay) {
        Grid grid = new Grid(batchSize, batchDelay);
        return new Arm(ArmKind.STATIC, ArmLabels.gridLabel(batchSize, batchDelay), grid);
    }

    /** Whether this is a static grid arm, with a setting of its own. */
    public boolean isGrid() {
        return grid != null;
    }

    /** Whether the arm's windows take pre-compacted bundles when the job pre-compacts ({@link ArmKind#readsBundles}). */
    public boolean readsBundles() {
        return kind.readsBundles();
    }

    @Override
    public String toString() {
        return label;
    }
}
