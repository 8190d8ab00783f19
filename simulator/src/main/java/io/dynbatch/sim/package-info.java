/**
 * Deterministic discrete-event simulator of one subtask of the batching operator (see {@link
 * io.dynbatch.sim.SubtaskSimulator}), used to compare the adaptive policy with a grid of static
 * settings on the scenarios of {@link io.dynbatch.sim.Scenarios}. No Flink, no wall clock, no
 * randomness beyond seeded generators. Entry point: {@link io.dynbatch.sim.SimMain}.
 */
package io.dynbatch.sim;
