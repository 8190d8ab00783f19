package io.dynbatch.job.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Registered on {@link RowKey} with {@code @TypeInfo}: Flink serializes it with {@link RowKeySerializer}. */
public final class RowKeyTypeInfo extends TypeInfoFactory<RowKey> {
    @Override
    public TypeInformation<RowKey> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new OwnSerializerTypeInfo<>(RowKey.class, RowKeySerializer.INSTANCE);
    }
}
