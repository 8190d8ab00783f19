package io.dynbatch.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;

/**
 * One in-JVM Flink cluster (1 TaskManager, 2 slots) shared by all throughput runs, so that a run
 * pays no cluster start-up; each job chooses its own state backend through its job configuration.
 */
public final class BenchCluster implements AutoCloseable {

    private final MiniCluster miniCluster;
    private final URI rest;

    public BenchCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "18300-18399");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        miniCluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
        miniCluster.start();
        rest = miniCluster.getRestAddress().get();
    }

    /**
     * An environment submitting to this cluster with {@code backend} ("hashmap" or "rocksdb"), no
     * checkpoints, and generic (Kryo) types disabled: a type that would fall back to Kryo fails the
     * job instead of silently costing throughput. Object reuse is on: it spares the keyed reduce
     * (which emits one record per input) two copies per record between its chained operators, and
     * changes nothing for the windows, which emit one record per batch.
     */
    public StreamExecutionEnvironment environment(String backend, int parallelism) {
        Configuration job = new Configuration();
        job.set(StateBackendOptions.STATE_BACKEND, backend);
        job.set(PipelineOptions.GENERIC_TYPES, false);
        job.set(PipelineOptions.OBJECT_REUSE, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort(), job);
        env.setParallelism(parallelism);
        env.setMaxParallelism(128);
        return env;
    }

    @Override
    public void close() throws Exception {
        miniCluster.close();
    }
}
