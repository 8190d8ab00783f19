package io.dynbatch.job.options;

import org.apache.flink.util.ParameterTool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The options a program accepts, in the order its help lists them. The help text, the known-names
 * check and the parsing all come from the {@link JobOption} declarations {@linkplain #add added}
 * here, so an option cannot be parsed without being documented or documented without being parsed.
 */
public final class OptionTable {

    /** What {@link ParameterTool} holds for an option given without a value. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    private final String header;
    private final Function<String, String> unknownHint;
    private final List<JobOption<?>> options = new ArrayList<>();

    /**
     * @param header the first line of the help
     * @param unknownHint for an unknown option name, a hint to add to the error, or null
     */
    public OptionTable(String header, Function<String, String> unknownHint) {
        this.header = header;
        this.unknownHint = unknownHint;
    }

    /** Adds {@code option} (its help lines go after those of the options added before). */
    public <T> JobOption<T> add(JobOption<T> option) {
        if (names().contains(option.name())) {
            throw new IllegalArgumentException("duplicate option " + option);
        }
        options.add(option);
        return option;
    }

    public List<JobOption<?>> options() {
        return Collections.unmodifiableList(options);
    }

    /** The names this table accepts, without the leading {@code --}. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        options.forEach(o -> names.add(o.name()));
        return names;
    }

    /** The help: the header, then every option with its value, description and default. */
    public String usage() {
        List<String> lines = new ArrayList<>();
        lines.add(header);
        options.forEach(o -> lines.addAll(o.usageLines()));
        return String.join("\n", lines);
    }

    /**
     * Parses {@code --name value} arguments and {@code --flag}s (a flag is set when given).
     *
     * @throws IllegalArgumentException naming the option: an unknown option, a missing value, or a
     *     value the option does not accept
     */
    public OptionValues parse(String... args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        Set<String> unknown = new TreeSet<>(p.toMap().keySet());
        unknown.removeAll(names());
        if (!unknown.isEmpty()) {
            StringBuilder message = new StringBuilder("unknown option(s): --" + String.join(", --", unknown));
            for (String name : unknown) {
                String hint = unknownHint == null ? null : unknownHint.apply(name);
                message.append(hint == null ? "" : "; --" + name + ": " + hint);
            }
            throw new IllegalArgumentException(message.toString());
        }
        Map<String, Object> values = new HashMap<>();
        for (JobOption<?> o : options) {
            values.put(o.name(), value(o, p));
        }
        return new OptionValues(values, p.toMap().keySet());
    }

    private static Object value(JobOption<?> o, ParameterTool p) {
        if (!p.has(o.name())) {
            return o.defaultValue();
        }
        if (o.isFlag()) {
            return true;
        }
        String raw = p.get(o.name());
        if (NO_VALUE.equals(raw)) {
            throw new IllegalArgumentException("--" + o.name() + " needs a value");
        }
        return o.parse(raw);
    }
}
