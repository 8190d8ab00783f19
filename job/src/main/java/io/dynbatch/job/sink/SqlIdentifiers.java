package io.dynbatch.job.sink;

import java.util.regex.Pattern;

/** Validates SQL identifiers that come from configuration, so none can inject SQL. */
public final class SqlIdentifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int MAX_IDENTIFIER_CHARS = 63;

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

    /**
     * The name of an object that belongs to table {@code tableName} (e.g. an index, which lives in
     * the table's schema and so is named without it): {@code <table>_<suffix>}. If that is longer
     * than PostgreSQL's 63 characters (which it would silently truncate), the table part is cut and
     * a hash of the full table name keeps the names of different tables apart.
     *
     * @throws IllegalArgumentException if {@code tableName} or the result is not a valid identifier
     */
    public static String derivedName(String tableName, String suffix) {
        String table = requireTableName(tableName);
        String base = table.substring(table.indexOf('.') + 1);
        String name = base + "_" + suffix;
        if (name.length() > MAX_IDENTIFIER_CHARS) {
            String hash = String.format("%08x", table.hashCode());
            int keep = MAX_IDENTIFIER_CHARS - suffix.length() - hash.length() - 2;
            if (keep < 1) {
                throw new IllegalArgumentException("suffix '" + suffix + "' leaves no room for the table name");
            }
            name = base.substring(0, keep) + "_" + hash + "_" + suffix;
        }
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid derived name '" + name + "'");
        }
        return name;
    }
}
