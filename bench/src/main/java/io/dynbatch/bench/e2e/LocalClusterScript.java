package io.dynbatch.bench.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * deploy/local-cluster.sh, called as a user would: start (JobManager + TaskManager from Maven
 * artifacts with deploy/flink/config.yaml), submit (the real {@code flink run}), down. Every call is
 * bounded in time; {@link #close()} always brings the cluster down.
 */
final class LocalClusterScript implements AutoCloseable {

    private final Path repo;
    private final Path dir;
    private boolean started;

    LocalClusterScript(Path repo, Path dir) {
        this.repo = repo;
        this.dir = dir;
    }

    /** Starts the cluster; returns its cluster.env (REST_URL, TASKMANAGER_PROMETHEUS, ...). */
    Map<String, String> start() throws IOException, InterruptedException {
        started = true;
        run(300, "start");
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("cluster.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /** {@code flink run -d jar args...}; returns the job id. */
    String submit(Path jar, List<String> args) throws IOException, InterruptedException {
        List<String> call = new ArrayList<>(List.of("submit", jar.toString()));
        call.addAll(args);
        String out = run(300, call.toArray(new String[0]));
        return out.lines().filter(l -> l.startsWith("JOB_ID=")).map(l -> l.substring(7)).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no JOB_ID from submit: " + out));
    }

    private String run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("deploy/local-cluster.sh").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("local-cluster", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("DYNBATCH_CLUSTER_DIR", dir.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("local-cluster.sh " + args[0] + " did not finish in " + timeoutSeconds + " s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("local-cluster.sh " + args[0] + " failed (exit " + p.exitValue() + "): " + stdout);
        }
        return stdout;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (started) {
            run(120, "down");
        }
    }
}
