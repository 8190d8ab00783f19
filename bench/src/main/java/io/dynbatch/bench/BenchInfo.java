package io.dynbatch.bench;

import org.apache.flink.runtime.util.EnvironmentInformation;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** The machine and the versions a result was measured with (written next to every result file). */
public final class BenchInfo {

    private BenchInfo() {}

    public static Map<String, String> describe(String jdbcUrl) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("measured_at", Instant.now().toString());
        m.put("cpu_model", cpuModel());
        m.put("available_processors", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("--add-") && !a.startsWith("-XX:+IgnoreUnrecognized")).toList()));
        m.put("max_heap_mb", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
        m.put("flink", EnvironmentInformation.getVersion());
        m.put("postgresql_jdbc", org.postgresql.Driver.getVersion());
        m.put("postgresql_server", serverVersion(jdbcUrl));
        m.put("note", "2 shared cores: other engineers' builds may run concurrently; see the 95% intervals");
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String serverVersion(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "n/a";
        }
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(jdbcUrl, p);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            return "unreachable";
        }
    }

    /** The map as a JSON object (string values). */
    public static String toJson(Map<String, String> m, String indent) {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            sb.append(indent).append("  ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            sb.append(++i < m.size() ? ",\n" : "\n");
        }
        return sb.append(indent).append('}').toString();
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : String.valueOf(s).toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
