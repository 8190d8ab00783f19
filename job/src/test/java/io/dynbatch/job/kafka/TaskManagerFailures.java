package io.dynbatch.job.kafka;

import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Injected TaskManager failures on a test class's shared MiniCluster: kills every live TaskManager
 * (so the failure hits the running job wherever the scheduler placed its tasks) and starts as many
 * fresh ones for the restart. Also reads what the job went through, from its execution graph.
 */
final class TaskManagerFailures {

    /** Indices of the live TaskManagers (killed ones keep their index). */
    private final List<Integer> live = new ArrayList<>();
    private int started;

    /** @param taskManagers how many TaskManagers the cluster starts with */
    TaskManagerFailures(int taskManagers) {
        for (int i = 0; i < taskManagers; i++) {
            live.add(i);
        }
        started = taskManagers;
    }

    /** Kills every live TaskManager and starts as many fresh ones. */
    synchronized void killAll(MiniCluster cluster) throws Exception {
        for (int index : live) {
            cluster.terminateTaskManager(index).get(30, TimeUnit.SECONDS);
        }
        int count = live.size();
        live.clear();
        for (int i = 0; i < count; i++) {
            cluster.startTaskManager();
            live.add(started++);
        }
    }

    /** Restarts so far: the highest execution attempt number of any task (0 before the first). */
    static long restartsSoFar(MiniCluster cluster, JobID job) throws Exception {
        int highest = 0;
        for (var vertex : cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS).getAllExecutionVertices()) {
            highest = Math.max(highest, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return highest;
    }

    /**
     * The job's checkpoint statistics, from its execution graph: current, unlike the REST API's,
     * which are cached for a few seconds.
     */
    static CheckpointStatsSnapshot checkpoints(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
    }
}
