package io.dynbatch.job.sink;

import java.util.regex.Pattern;

/** Validates SQL identifiers that come from configuration, so none can inject SQL. */
public final class SqlIdentifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SqlIdentifiers() {}

    /**
     * Returns {@code name} if it is a plain lower-case PostgreSQL identifier (optionally
     * schema-qualified as {@code schema.table}).
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String requireTableName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("table name must not be null");
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("invalid table name '" + name + "': at most schema.table");
        }
        for (String part : parts) {
            if (!IDENTIFIER.matcher(part).matches()) {
                throw new IllegalArgumentException("invalid table name '" + name
                        + "': each part must match " + IDENTIFIER.pattern());
            }
        }
        return name;
    }
}
