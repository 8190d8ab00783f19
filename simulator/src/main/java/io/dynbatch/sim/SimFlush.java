package io.dynbatch.sim;

/** Why a simulated batch was flushed; mirrors the triggers' {@code FlushReason}. */
public enum SimFlush {
    SIZE,
    TIME,
    ADAPTIVE,
    END_OF_INPUT
}
