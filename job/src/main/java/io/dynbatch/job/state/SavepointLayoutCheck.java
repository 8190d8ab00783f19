package io.dynbatch.job.state;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.CompletedCheckpointStorageLocation;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Refuses, before the job is submitted, a savepoint or retained checkpoint whose window state has
 * a layout this version cannot restore, with a message that says what to do.
 *
 * <p>Earlier versions kept each shard's pending batch as one aggregate (window state {@value
 * #WINDOW_STATE} of type {@code AGGREGATING}); this version keeps the batch's events in list state
 * ({@code LIST}), whose append is O(1) on RocksDB. Flink cannot restore one as the other: left to
 * itself, the window tasks fail at every restore with "Incompatible key/value state types" and the
 * job restarts forever. The check reads only the savepoint's metadata and the header of each keyed
 * state file (the state names and types), not the state itself.
 *
 * <p>That header also holds the state serializers' snapshots, and the earlier layout's names its
 * aggregate's class, {@value #EARLIER_ACCUMULATOR}, which this version no longer has: a header that
 * cannot be read for want of exactly that class is of the earlier layout.
 */
public final class SavepointLayoutCheck {

    /** The name Flink's window operator gives its window contents. */
    static final String WINDOW_STATE = "window-contents";
    /** The window-state type this version writes and reads. */
    static final String EXPECTED_TYPE = "LIST";
    /** The aggregate the earlier layout kept per pending batch (the class has been renamed since). */
    static final String EARLIER_ACCUMULATOR = "io.dynbatch.job.batch.PendingBatch";
    /** The window-state type of the earlier layout. */
    static final String EARLIER_TYPE = "AGGREGATING";

    private SavepointLayoutCheck() {}

    /**
     * @throws IllegalStateException if the savepoint at {@code pointer} (its directory or its
     *     {@code _metadata} file) holds window state of another type than this version's
     * @throws IOException if it cannot be read
     */
    public static void requireRestorable(String pointer, ClassLoader classLoader) throws IOException {
        Optional<String> found = foreignWindowStateType(pointer, classLoader);
        if (found.isPresent()) {
            throw new IllegalStateException("The savepoint " + pointer + " was taken by an earlier dynbatch version that "
                    + "kept each pending batch as one aggregate (window state '" + WINDOW_STATE + "' of type "
                    + found.get() + "); this version keeps the batch's events in " + EXPECTED_TYPE + " state (an O(1) "
                    + "append on RocksDB) and cannot restore it. Either resume this savepoint with the earlier version, "
                    + "or start this version without it on new totals tables (--table), as for a change of --shards: "
                    + "see docs/operations.md, 'Upgrading across a state layout change'.");
        }
    }

    /** The type of the first window state in the savepoint that is not {@value #EXPECTED_TYPE}, if any. */
    static Optional<String> foreignWindowStateType(String pointer, ClassLoader classLoader) throws IOException {
        CompletedCheckpointStorageLocation location = AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(pointer);
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(location.getMetadataHandle().openInputStream())) {
            metadata = Checkpoints.loadCheckpointMetadata(in, classLoader, pointer);
        }
        for (OperatorState operator : metadata.getOperatorStates()) {
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    StreamStateHandle header = headerOf(handle);
                    if (header == null) {
                        continue;
                    }
                    Optional<String> type = windowStateType(header, classLoader);
                    if (type.isPresent() && !type.get().equals(EXPECTED_TYPE)) {
                        return type;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The stream that starts with the backend's state meta data, for the snapshot formats Flink writes. */
    private static StreamStateHandle headerOf(KeyedStateHandle handle) {
        if (handle instanceof KeyGroupsStateHandle) { // canonical savepoints, full snapshots
            return (KeyGroupsStateHandle) handle;
        }
        if (handle instanceof IncrementalRemoteKeyedStateHandle) { // RocksDB native and incremental
            return ((IncrementalRemoteKeyedStateHandle) handle).getMetaDataStateHandle();
        }
        return null;
    }

    private static Optional<String> windowStateType(StreamStateHandle header, ClassLoader classLoader)
            throws IOException {
        try (FSDataInputStream in = header.openInputStream()) {
            KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(classLoader);
            try {
                proxy.read(new DataInputViewStreamWrapper(in));
            } catch (IOException e) {
                if (namesMissingClass(e, EARLIER_ACCUMULATOR)) {
                    return Optional.of(EARLIER_TYPE);
                }
                throw e;
            }
            for (StateMetaInfoSnapshot state : proxy.getStateMetaInfoSnapshots()) {
                if (state.getName().equals(WINDOW_STATE)) {
                    return Optional.ofNullable(state.getOption(StateMetaInfoSnapshot.CommonOptionsKeys.KEYED_STATE_TYPE));
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code e} (or a cause) is Flink's "Could not find class '...'" for {@code className}. */
    static boolean namesMissingClass(Throwable e, String className) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Could not find class '" + className + "'")) {
                return true;
            }
        }
        return false;
    }
}
