package io.dynbatch.job.model;

import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The common part of the job's own serializers ({@link ClickEventSerializer}, {@link
 * RowKeySerializer}, {@code ShardBundleSerializer}): stateless singletons of mutable types with a
 * variable length that never reuse an instance, so a subclass writes only {@code createInstance},
 * {@code copy(T)}, {@code serialize}, {@code deserialize} and its snapshot.
 */
public abstract class NonReusingSerializer<T> extends TypeSerializerSingleton<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }
}
