package io.dynbatch.job.sink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

import java.io.IOException;

/**
 * The ids of a window key's batches, {@code <key label>-<sequence>}: the sequence counts from 1 per
 * key in keyed state ({@code batch-seq}), so ids stay unique through restores. Use with the window
 * key as the current key.
 */
final class BatchSequence {

    private static final ValueStateDescriptor<Long> SEQUENCE = new ValueStateDescriptor<>("batch-seq", Types.LONG);

    private final ValueState<Long> sequence;

    BatchSequence(RuntimeContext context) {
        this.sequence = context.getState(SEQUENCE);
    }

    /** How a window key is named in batch ids and in the committer's feedback: its shard, else its hash. */
    static String label(int shard, Object key) {
        return shard >= 0 ? String.valueOf(shard) : "k" + Integer.toHexString(key.hashCode());
    }

    /** The current key's next batch id. */
    String nextId(String keyLabel) throws IOException {
        long next = sequence.value() == null ? 1 : sequence.value() + 1;
        sequence.update(next);
        return keyLabel + "-" + next;
    }
}
