package io.dynbatch.sim;

import java.util.Arrays;
import java.util.function.LongToDoubleFunction;

/**
 * One simulated situation of one subtask: its shards and their share of the traffic, the total
 * arrival rate and the upstream lag over time, the sink, and for how long. Time 0 is when the
 * operator starts; a backlog scenario has events ingested before 0 waiting for it.
 *
 * @param name short name (S1 ...)
 * @param description one line
 * @param durationMillis live events are ingested in {@code [0, duration)}
 * @param backlogMillis events ingested in {@code [-backlog, 0)} are already waiting at time 0
 * @param shardWeights share of the traffic of each shard (sums to 1)
 * @param eventsPerSecond total arrival rate at ingest time t (ms)
 * @param upstreamLagMillis delay from ingest to availability at the operator, at ingest time t
 * @param sink the sink model
 * @param perEventMillis operator thread time to process one event (parse, compact)
 * @param sloMillis latency objective
 * @param seed seed of the arrival process
 */
public record Scenario(
        String name,
        String description,
        long durationMillis,
        long backlogMillis,
        double[] shardWeights,
        LongToDoubleFunction eventsPerSecond,
        LongToDoubleFunction upstreamLagMillis,
        SinkModel sink,
        double perEventMillis,
        long sloMillis,
        long seed) {

    public Scenario {
        if (durationMillis <= 0 || backlogMillis < 0 || shardWeights.length == 0 || sloMillis <= 0
                || perEventMillis < 0) {
            throw new IllegalArgumentException("bad scenario " + name);
        }
        double sum = Arrays.stream(shardWeights).sum();
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("shard weights must sum to 1, got " + sum);
        }
        shardWeights = shardWeights.clone();
    }

    public int shards() {
        return shardWeights.length;
    }

    /** True for a scenario scored by its time to drain a backlog rather than by its p99. */
    public boolean isBacklog() {
        return backlogMillis > 0;
    }
}
