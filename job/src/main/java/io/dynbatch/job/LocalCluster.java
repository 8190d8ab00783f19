package io.dynbatch.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;

/**
 * An in-JVM Flink cluster with the web UI, for the embedded demo and the A/B benchmark (in
 * {@code bench}). Unlike a local environment, it
 * outlives the job, so the client can read every result before it shuts down, and it reports the
 * REST/web port it actually bound.
 */
public final class LocalCluster implements AutoCloseable {

    private final MiniCluster miniCluster;
    private final URI restAddress;

    private LocalCluster(MiniCluster miniCluster, URI restAddress) {
        this.miniCluster = miniCluster;
        this.restAddress = restAddress;
    }

    /** Starts one TaskManager with {@code slots} slots, web UI on the first free port of {@code ports}. */
    public static LocalCluster start(int slots, String ports) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, ports);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap"); // RocksDB on real clusters: deploy/flink/config.yaml
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalCluster(cluster, cluster.getRestAddress().get());
    }

    public URI restAddress() {
        return restAddress;
    }

    /** An environment that submits to this cluster (the job's classes are already on its classpath). */
    public StreamExecutionEnvironment environment() {
        return StreamExecutionEnvironment.createRemoteEnvironment(restAddress.getHost(), restAddress.getPort());
    }

    @Override
    public void close() throws Exception {
        miniCluster.close();
    }
}
