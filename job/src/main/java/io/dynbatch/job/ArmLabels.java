package io.dynbatch.job;

import io.dynbatch.job.options.InvalidValue;
import io.dynbatch.job.options.JobOption;

import org.apache.flink.util.TimeUtils;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Arms from their labels, the values of {@code --arms}: the four named arms ({@link ArmKind}) and
 * static grid arms {@code static_<size>_<delay>}, the size in events and the delay in the job's
 * duration syntax (that of every duration option). A label is part of a table name ({@code
 * <table>_<label>}), so a grid label must be written the way the job writes it back ({@link
 * #gridLabel}): a whole number of ms, s or min in the largest unit that keeps it whole ({@code 1s},
 * not {@code 1000ms}; {@code 1500ms}, not {@code 1.5s}), the size without leading zeros. Then one
 * setting has one label, and a label one table. Pure.
 */
public final class ArmLabels {

    /** The prefix of a static grid arm's label. */
    public static final String GRID_PREFIX = "static_";

    /** The syntax, for help and errors. */
    public static final String GRID_SYNTAX = "static_<size>_<delay>";

    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*");
    private static final Pattern DELAY = Pattern.compile("[a-z0-9]+");
    /** A decimal amount and a unit, e.g. {@code 1.5s}: what the label cannot hold, for the suggestion. */
    private static final Pattern DECIMAL_DELAY = Pattern.compile("([0-9]*\\.[0-9]+|[0-9]+\\.?)([a-z]+)");

    private ArmLabels() {}

    /** {@code static_<size>_<delay>}, the delay as the job writes durations (e.g. {@code static_5000_1500ms}). */
    public static String gridLabel(long batchSize, Duration batchDelay) {
        return GRID_PREFIX + batchSize + "_" + JobOption.format(batchDelay);
    }

    /**
     * The arm {@code label} names (case-insensitive).
     *
     * @throws InvalidValue saying why, and for a grid label that does not round-trip, how to write it
     */
    public static Arm parse(String label) {
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        for (ArmKind kind : ArmKind.values()) {
            if (kind.label().equals(wanted)) {
                return Arm.named(kind);
            }
        }
        if (wanted.startsWith(GRID_PREFIX)) {
            return grid(wanted);
        }
        throw new InvalidValue("unknown arm '" + label.trim() + "'; arms are " + namedLabels() + " and static grid"
                + " arms " + GRID_SYNTAX + " (e.g. static_5000_1500ms)");
    }

    /**
     * The arms of a comma-separated list, in order.
     *
     * @throws InvalidValue for an arm {@link #parse} refuses, an empty list or an arm listed twice
     */
    public static List<Arm> parseList(String raw) {
        List<Arm> arms = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            if (part.isBlank()) {
                throw new InvalidValue("empty arm in '" + raw + "'; give a comma-separated list, e.g. static,adaptive");
            }
            Arm arm = parse(part);
            if (arms.contains(arm)) {
                throw new InvalidValue("arm " + arm.label() + " is listed twice in '" + raw + "'");
            }
            arms.add(arm);
        }
        return List.copyOf(arms);
    }

    private static Arm grid(String label) {
        String rest = label.substring(GRID_PREFIX.length());
        int split = rest.indexOf('_');
        if (split < 0) {
            throw refused(label, "a static grid arm is " + GRID_SYNTAX + ", e.g. static_5000_1500ms");
        }
        String sizeText = rest.substring(0, split);
        String delayText = rest.substring(split + 1);
        if (!SIZE.matcher(sizeText).matches()) {
            throw refused(label, "the size must be a whole number of events >= 1 without leading zeros ("
                    + GRID_SYNTAX + ", e.g. static_5000_1500ms)");
        }
        long size;
        try {
            size = Long.parseLong(sizeText);
        } catch (NumberFormatException e) {
            throw refused(label, "the size " + sizeText + " is too large");
        }
        if (!DELAY.matcher(delayText).matches()) {
            String suggestion = suggestion(size, delayText);
            throw refused(label, "the delay is part of a table name, so it takes lower-case letters and digits only"
                    + (suggestion == null ? ", a whole number and a unit (e.g. 1500ms, 2s)" : "; write " + suggestion));
        }
        Duration delay;
        try {
            delay = TimeUtils.parseDuration(delayText);
        } catch (RuntimeException e) {
            throw refused(label, "the delay '" + delayText + "' is not a duration like 500ms, 2s or 1min");
        }
        if (delay.isZero() || delay.isNegative()) {
            throw refused(label, "the delay must be > 0");
        }
        if (delay.toNanos() % 1_000_000 != 0) {
            throw refused(label, "the delay must be whole milliseconds");
        }
        String canonical = gridLabel(size, delay);
        if (!canonical.equals(label)) {
            throw refused(label, "write the same setting as " + canonical
                    + " (one label per setting: the label names the arm's table, metrics and uids)");
        }
        return Arm.staticGrid(size, delay);
    }

    /** {@code static_<size>_<delay>} for a decimal delay like {@code 1.5s} that is whole in ms, else null. */
    private static String suggestion(long size, String delayText) {
        Matcher m = DECIMAL_DELAY.matcher(delayText);
        if (!m.matches()) {
            return null;
        }
        try {
            long unitNanos = TimeUtils.parseDuration("1" + m.group(2)).toNanos();
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos));
            BigDecimal[] millis = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000));
            if (millis[1].signum() != 0 || millis[0].signum() <= 0) {
                return null;
            }
            return gridLabel(size, Duration.ofMillis(millis[0].longValueExact()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static InvalidValue refused(String label, String why) {
        return new InvalidValue("arm " + label + ": " + why);
    }

    private static String namedLabels() {
        return Arrays.stream(ArmKind.values()).map(ArmKind::label).collect(Collectors.joining(", "));
    }
}
