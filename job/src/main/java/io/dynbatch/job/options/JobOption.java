package io.dynbatch.job.options;

import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One {@code --name value} option, declared once: its name, value type, default, validation and
 * description. The help text ({@link #usageLines}), the known-names check and every error message
 * (which names the option and what it accepts) derive from the declaration. Immutable; the
 * {@code with...}/{@link #check} methods return a copy.
 *
 * @param <T> the parsed value's type
 */
public final class JobOption<T> {

    /** Parses a raw value; any runtime exception means the value is not {@link #expected}. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String raw);
    }

    private record Check<T>(Predicate<T> test, String requirement) {}

    private final String name;
    private final String valueName;
    private final String description;
    private final T defaultValue;
    private final String defaultText;
    private final String expected;
    private final Parser<T> parser;
    private final List<Check<T>> checks;

    private JobOption(String name, String valueName, String description, T defaultValue, String defaultText,
            String expected, Parser<T> parser, List<Check<T>> checks) {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("not an option name: " + name);
        }
        this.name = name;
        this.valueName = valueName;
        this.description = description;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.expected = expected;
        this.parser = parser;
        this.checks = List.copyOf(checks);
    }

    /** An option whose value {@code parser} reads; {@code expected} says what it accepts, for errors. */
    public static <T> JobOption<T> of(String name, String valueName, T defaultValue, String expected,
            Parser<T> parser, String description) {
        return new JobOption<>(name, valueName, description, defaultValue, format(defaultValue), expected, parser,
                List.of());
    }

    /** A flag without a value: true when given. */
    public static JobOption<Boolean> flag(String name, String description) {
        return new JobOption<>(name, null, description, false, null, "given without a value", raw -> true,
                List.of());
    }

    public static JobOption<String> text(String name, String valueName, String defaultValue, String description) {
        return of(name, valueName, defaultValue, "a value", raw -> raw, description);
    }

    public static JobOption<Integer> integer(String name, String valueName, int defaultValue, int min,
            String description) {
        return of(name, valueName, defaultValue, "an integer", raw -> Math.toIntExact(Long.parseLong(raw.trim())),
                description).check(v -> v >= min, ">= " + min);
    }

    public static JobOption<Long> longInteger(String name, String valueName, long defaultValue, long min,
            String description) {
        return of(name, valueName, defaultValue, "an integer", raw -> Long.parseLong(raw.trim()), description)
                .check(v -> v >= min, ">= " + min);
    }

    public static JobOption<Double> number(String name, String valueName, double defaultValue, String description) {
        return of(name, valueName, defaultValue, "a number", raw -> {
            double v = Double.parseDouble(raw.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException(raw);
            }
            return v;
        }, description);
    }

    /** A duration such as 500ms, 2s or 1min (Flink's syntax), never negative. */
    public static JobOption<Duration> duration(String name, Duration defaultValue, String description) {
        return of(name, "D", defaultValue, "a duration like 500ms, 2s or 1min", raw -> {
            Duration d = TimeUtils.parseDuration(raw);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        }, description);
    }

    /** One of an enum's values, by {@link Labelled#label()} (case-insensitive). */
    public static <E extends Enum<E> & Labelled> JobOption<E> choice(String name, Class<E> type, E defaultValue,
            String description) {
        return of(name, labels(type, "|"), defaultValue, "one of " + labels(type, ", "), raw -> byLabel(type, raw),
                description);
    }

    /** A comma-separated, non-empty list of an enum's values; repeated values count once. */
    public static <E extends Enum<E> & Labelled> JobOption<List<E>> choices(String name, Class<E> type,
            List<E> defaultValue, String description) {
        return of(name, "LIST", List.copyOf(defaultValue), "a comma-separated list of " + labels(type, ", "), raw -> {
            List<E> values = new ArrayList<>();
            for (String part : raw.split(",", -1)) {
                E value = byLabel(type, part);
                if (!values.contains(value)) {
                    values.add(value);
                }
            }
            return List.copyOf(values);
        }, description + "; any of " + labels(type, ", "));
    }

    /** This option, its values also required to pass {@code test}: "--name must be {@code requirement}". */
    public JobOption<T> check(Predicate<T> test, String requirement) {
        List<Check<T>> more = new ArrayList<>(checks);
        more.add(new Check<>(test, requirement));
        return new JobOption<>(name, valueName, description, defaultValue, defaultText, expected, parser, more);
    }

    /** This option with {@code text} as its default in the help (e.g. what a missing value means). */
    public JobOption<T> withDefaultText(String text) {
        return new JobOption<>(name, valueName, description, defaultValue, text, expected, parser, checks);
    }

    public String name() {
        return name;
    }

    public boolean isFlag() {
        return valueName == null;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The value of {@code raw}, checked. */
    public T parse(String raw) {
        T value;
        try {
            value = parser.parse(raw);
        } catch (InvalidValue e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be " + expected + ", got '" + raw + "'", e);
        }
        for (Check<T> c : checks) {
            if (!c.test().test(value)) {
                throw new IllegalArgumentException("--" + name + " must be " + c.requirement() + ", got '" + raw + "'");
            }
        }
        return value;
    }

    /** This option's lines in the help: name and value, then the description wrapped at 100 columns. */
    public List<String> usageLines() {
        String left = "  --" + name + (isFlag() ? "" : " " + valueName);
        String text = description + (defaultText == null ? "" : " (default: " + defaultText + ")");
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(left.length() <= 26 ? left + " ".repeat(28 - left.length())
                : left + "  ");
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > 100) {
                lines.add(line.toString());
                line = new StringBuilder(" ".repeat(28));
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        lines.add(line.toString());
        return lines;
    }

    @Override
    public String toString() {
        return "--" + name;
    }

    /** How a value looks on the command line: durations in their largest whole unit, enums by label. */
    public static String format(Object value) {
        if (value == null) {
            return null;
        } else if (value instanceof Duration d) {
            long ms = d.toMillis();
            if (ms != 0 && ms % 60_000 == 0) {
                return ms / 60_000 + "min";
            }
            return ms != 0 && ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        } else if (value instanceof Labelled l) {
            return l.label();
        } else if (value instanceof List<?> list) {
            return list.stream().map(JobOption::format).collect(Collectors.joining(","));
        } else if (value instanceof Double x && x == Math.rint(x) && !Double.isInfinite(x)) {
            return String.valueOf(x.longValue());
        }
        return String.valueOf(value);
    }

    private static <E extends Enum<E> & Labelled> String labels(Class<E> type, String separator) {
        return Arrays.stream(type.getEnumConstants()).map(Labelled::label).collect(Collectors.joining(separator));
    }

    private static <E extends Enum<E> & Labelled> E byLabel(Class<E> type, String raw) {
        String wanted = raw.trim().toLowerCase(Locale.ROOT);
        for (E value : type.getEnumConstants()) {
            if (value.label().equals(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + raw);
    }
}
