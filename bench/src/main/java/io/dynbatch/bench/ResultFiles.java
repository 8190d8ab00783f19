package io.dynbatch.bench;

import io.dynbatch.job.report.TableFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes a benchmark's CSV and a JSON file with the same rows plus the machine and versions. */
public final class ResultFiles {

    private ResultFiles() {}

    /**
     * Writes {@code <dir>/<name>.csv} (header + rows) and {@code <dir>/<name>.json} ({@code machine},
     * {@code command}, {@code columns}, {@code rows} with numbers unquoted where they parse).
     */
    public static void write(Path dir, String name, Map<String, String> machine, String command, List<String> header,
            List<List<String>> rows) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder(TableFormat.csvLine(header));
        for (List<String> row : rows) {
            csv.append(TableFormat.csvLine(row));
        }
        Files.writeString(dir.resolve(name + ".csv"), csv, StandardCharsets.UTF_8);

        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"benchmark\": ").append(BenchInfo.quote(name)).append(",\n");
        json.append("  \"command\": ").append(BenchInfo.quote(command)).append(",\n");
        json.append("  \"machine\": ").append(BenchInfo.toJson(machine, "  ")).append(",\n");
        json.append("  \"rows\": [\n");
        for (int r = 0; r < rows.size(); r++) {
            json.append("    {");
            List<String> row = rows.get(r);
            for (int c = 0; c < header.size(); c++) {
                String v = c < row.size() ? row.get(c) : "";
                json.append(BenchInfo.quote(header.get(c))).append(": ").append(jsonValue(v));
                if (c + 1 < header.size()) {
                    json.append(", ");
                }
            }
            json.append(r + 1 < rows.size() ? "},\n" : "}\n");
        }
        json.append("  ]\n}\n");
        Files.writeString(dir.resolve(name + ".json"), json, StandardCharsets.UTF_8);
    }

    private static String jsonValue(String v) {
        if (v.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
            return v;
        }
        return BenchInfo.quote(v);
    }
}
