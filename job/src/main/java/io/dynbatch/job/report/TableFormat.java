package io.dynbatch.job.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The columns of a result table, declared once (each a name and how a row fills its cell), written
 * as CSV or as a Markdown table. The run summary, the A/B benchmark and the benchmarks write their
 * files with it, so a column's name and its value cannot drift apart.
 *
 * <p>Cells are written as the row's values render ({@link String#valueOf}); format numbers in the
 * column ({@link #decimals}). Lines end in {@code \n}. A CSV cell holding a comma or a quote is
 * quoted (RFC 4180); none of the committed files has one.
 *
 * @param <R> the row type
 */
public final class TableFormat<R> {

    private final List<String> names;
    private final List<Function<? super R, ?>> cells;

    private TableFormat(List<String> names, List<Function<? super R, ?>> cells) {
        this.names = List.copyOf(names);
        this.cells = List.copyOf(cells);
    }

    /** A table without columns yet. */
    public static <R> TableFormat<R> of() {
        return new TableFormat<>(List.of(), List.of());
    }

    /** This table with one more column, {@code name}, whose cell is {@code cell} of the row. */
    public TableFormat<R> column(String name, Function<? super R, ?> cell) {
        List<String> n = new ArrayList<>(names);
        n.add(name);
        List<Function<? super R, ?>> c = new ArrayList<>(cells);
        c.add(cell);
        return new TableFormat<>(n, c);
    }

    /**
     * This table with {@code part}'s columns appended, each filled from the part of the row that
     * {@code of} picks: a column block declared once and shared by several tables.
     */
    public <P> TableFormat<R> columns(TableFormat<P> part, Function<? super R, ? extends P> of) {
        TableFormat<R> t = this;
        for (int i = 0; i < part.names.size(); i++) {
            Function<? super P, ?> cell = part.cells.get(i);
            t = t.column(part.names.get(i), row -> cell.apply(of.apply(row)));
        }
        return t;
    }

    /** The column names, in order. */
    public List<String> names() {
        return names;
    }

    /** The cells of {@code row}, in column order. */
    public List<String> cells(R row) {
        List<String> out = new ArrayList<>(cells.size());
        for (Function<? super R, ?> cell : cells) {
            out.add(String.valueOf(cell.apply(row)));
        }
        return out;
    }

    /** The CSV header line, with its line end. */
    public String csvHeader() {
        return csvLine(names);
    }

    /** {@code row} as a CSV line, with its line end. */
    public String csvLine(R row) {
        return csvLine(cells(row));
    }

    /** The header and one line per row, as CSV. */
    public String csv(Iterable<? extends R> rows) {
        StringBuilder sb = new StringBuilder(csvHeader());
        for (R row : rows) {
            sb.append(csvLine(row));
        }
        return sb.toString();
    }

    /** The header, the separator and one line per row, as a Markdown table. */
    public String markdown(Iterable<? extends R> rows) {
        StringBuilder sb = new StringBuilder(markdownLine(names)).append("|").append("---|".repeat(names.size()))
                .append('\n');
        for (R row : rows) {
            sb.append(markdownLine(cells(row)));
        }
        return sb.toString();
    }

    /** One CSV line of {@code cells}, with its line end: for tables whose columns are given at run time. */
    public static String csvLine(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(csvCell(cells.get(i)));
        }
        return sb.append('\n').toString();
    }

    /** One Markdown table line of {@code cells}, with its line end. */
    public static String markdownLine(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /** {@code value} with {@code decimals} digits after the point ({@link Locale#ROOT}: a point, no grouping). */
    public static String decimals(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String csvCell(String v) {
        return v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
