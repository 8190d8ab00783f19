package io.dynbatch.job.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Registered on {@link ClickEvent} with {@code @TypeInfo}: Flink serializes it with {@link ClickEventSerializer}. */
public final class ClickEventTypeInfo extends TypeInfoFactory<ClickEvent> {
    @Override
    public TypeInformation<ClickEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new OwnSerializerTypeInfo<>(ClickEvent.class, ClickEventSerializer.INSTANCE);
    }
}
