package io.dynbatch.job.batch;

import io.dynbatch.job.model.OwnSerializerTypeInfo;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Registered on {@link ShardBundle} with {@code @TypeInfo}: Flink serializes it with {@link ShardBundleSerializer}. */
public final class ShardBundleTypeInfo extends TypeInfoFactory<ShardBundle> {
    @Override
    public TypeInformation<ShardBundle> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new OwnSerializerTypeInfo<>(ShardBundle.class, ShardBundleSerializer.INSTANCE);
    }
}
