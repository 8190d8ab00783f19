package io.dynbatch.bench.ab;

import io.dynbatch.bench.BenchInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an A/B run ran on, as {@code environment.json} records it next to the results: the database
 * server, the state backend and where RocksDB kept its files, whether the arms read their own copies
 * of the input ({@code arms_isolated}; false: one shared input chain, so one arm's backpressure
 * reaches the others), the shards, the commit mode and the run's static grid arms ({@code
 * static_grid}, labels {@code static_<size>_<delay>}).
 *
 * @param rocksDbDir RocksDB's local directory ({@code state.backend.rocksdb.localdir}), or null for
 *     Flink's default (under {@code io.tmp.dirs})
 * @param rocksDbDirStore the kind of file system it is on ({@code tmpfs}, {@code ext4}, ...), or null
 */
public record AbEnvironment(String serverVersion, String stateBackend, String rocksDbDir, String rocksDbDirStore,
        boolean armsIsolated, String shards, String commit, List<String> staticGrid) {

    /** The kind of file system {@code dir} is on ({@code tmpfs}, {@code ext4}, ...), or "unknown". */
    public static String fileStoreOf(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The JSON object, one line. */
    String json() {
        return String.format(Locale.ROOT,
                "{\"machine\": \"%s\", \"cores\": %d, \"java\": \"%s\", \"flink\": \"2.2.1\", \"postgresql\": \"%s\", "
                        + "\"date\": \"%s\", \"synthetic\": false, \"state_backend\": \"%s\", \"rocksdb_local_dir\": %s, "
                        + "\"rocksdb_local_dir_fs\": %s, \"arms_isolated\": %b, \"shards\": %s, \"commit\": \"%s\", "
                        + "\"static_grid\": [%s]}%n",
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), serverVersion,
                java.time.Instant.now(), stateBackend, quotedOrNull(rocksDbDir), quotedOrNull(rocksDbDirStore),
                armsIsolated, shards, commit, staticGrid.stream().map(BenchInfo::quote)
                        .collect(Collectors.joining(", ")));
    }

    private static String quotedOrNull(String s) {
        return s == null ? "null" : BenchInfo.quote(s);
    }
}
