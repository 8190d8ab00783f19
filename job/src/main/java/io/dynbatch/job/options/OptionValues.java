package io.dynbatch.job.options;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The values of a table's options after parsing: each given value, else the option's default. Immutable. */
public final class OptionValues implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, Object> values;
    private final Set<String> given;

    OptionValues(Map<String, Object> values, Set<String> given) {
        this.values = new HashMap<>(values);
        this.given = Set.copyOf(given);
    }

    /** The value of {@code option} (its default when it was not given). */
    @SuppressWarnings("unchecked")
    public <T> T get(JobOption<T> option) {
        if (!values.containsKey(option.name())) {
            throw new IllegalArgumentException("not an option of this table: " + option);
        }
        return (T) values.get(option.name());
    }

    /** Whether {@code option} was on the command line. */
    public boolean isGiven(JobOption<?> option) {
        return given.contains(option.name());
    }
}
