/**
 * Pure flush policies for the batching triggers: plain Java, no Flink types, time from an injected
 * clock, state representable as a few primitives. {@link io.dynbatch.triggers.policy.AdaptivePolicy}
 * decides one key's flush deadline and size; it is built from {@link
 * io.dynbatch.triggers.policy.DecayedRate} (arrival rate, writer load), {@link
 * io.dynbatch.triggers.policy.SinkCostModel} (learned write cost) and {@link
 * io.dynbatch.triggers.policy.KeyLearning} (what is kept per key). {@link
 * io.dynbatch.triggers.policy.FlushDecider} is the one decision step (flush, arm a timer, keep) the
 * Flink trigger and the simulator both call.
 */
package io.dynbatch.triggers.policy;
