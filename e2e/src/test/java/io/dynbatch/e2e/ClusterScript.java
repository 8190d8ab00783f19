package io.dynbatch.e2e;

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
 * Drives deploy/local-cluster.sh exactly as a user would: start, submit (flink run), stop-job
 * (flink stop --savepointPath), down. Each call is bounded in time; {@link #close()} always runs
 * `down`, so the JobManager and TaskManager never outlive the test.
 */
final class ClusterScript implements AutoCloseable {

    private final Path script;
    private final Path dir;
    private final Path logs;
    private final Map<String, String> env = new LinkedHashMap<>();
    private int calls;
    private Thread shutdownHook;

    ClusterScript(Path repoRoot, Path dir) throws IOException {
        this.script = repoRoot.resolve("deploy/local-cluster.sh");
        this.dir = dir;
        this.logs = dir.resolve("script-calls");
        Files.createDirectories(logs);
        env.put("DYNBATCH_CLUSTER_DIR", dir.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        String mavenHome = System.getProperty("dynbatch.maven.home", "");
        String mvn = mavenHome.isBlank() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
        env.put("MVN", mvn);
        String repoLocal = System.getProperty("dynbatch.maven.repo.local", "");
        if (!repoLocal.isBlank()) {
            env.put("MAVEN_REPO_LOCAL", repoLocal);
        }
    }

    /** The result of one script call. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The value of a KEY=value line of stdout. */
        String value(String key) {
            return stdout.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + key + "= in output:\n" + stdout));
        }
    }

    /** Runs `local-cluster.sh args...`; fails with the script's output if it does not exit 0 in time. */
    Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        if (shutdownHook == null) {
            // If the test JVM is killed (e.g. a Failsafe timeout), still stop the cluster.
            shutdownHook = new Thread(this::downQuietly, "local-cluster-down");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        int n = ++calls;
        String name = String.format("%02d-%s", n, args[0]);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(script.getParent().getParent().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        Result r = new Result(exited ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        System.out.printf("[local-cluster.sh %s] exit %d in %.1f s%n%s", String.join(" ", args), r.exitCode(),
                (System.nanoTime() - start) / 1e9, indent(r.stderr()));
        if (!exited) {
            throw new AssertionError("local-cluster.sh " + args[0] + " did not finish within " + timeoutSeconds + " s");
        }
        if (r.exitCode() != 0) {
            throw new AssertionError("local-cluster.sh " + args[0] + " failed (exit " + r.exitCode() + "):\n"
                    + r.stderr() + r.stdout());
        }
        return r;
    }

    /** The cluster's addresses, as written by `start` (cluster.env). */
    Map<String, String> clusterEnv() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("cluster.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    Path dir() {
        return dir;
    }

    private void downQuietly() {
        try {
            run(60, "down");
        } catch (Exception | AssertionError e) {
            System.err.println("local-cluster.sh down failed: " + e);
        }
    }

    @Override
    public void close() {
        if (shutdownHook != null) {
            downQuietly();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            shutdownHook = null;
        }
    }

    private static String indent(String s) {
        StringBuilder b = new StringBuilder();
        s.lines().forEach(l -> b.append("    ").append(l).append('\n'));
        return b.toString();
    }
}
