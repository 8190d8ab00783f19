package io.dynbatch.bench;

import io.dynbatch.bench.throughput.Tally;
import io.dynbatch.bench.throughput.TallyAggregate;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.model.OwnSerializerTypeInfo;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serializer choices on the hot path: the event has its own serializer and the benchmark's
 * accumulator is a POJO (never Kryo), and each trigger's keyed state serializes, checkpoints and restores in RocksDB (which
 * serializes every access) with generic types disabled, i.e. with no Kryo fallback anywhere in the
 * window operator. (The job's state and network types are covered by the job's PojoSerializationTest;
 * the throughput runs also disable generic types for the whole pipeline.)
 */
class NoKryoTest {

    private static final KeySelector<ClickEvent, Integer> BY_USER = e -> (int) e.userId;

    @Test
    void eventAndAccumulatorAreSerializedAsPojosWithoutKryo() {
        // the event has its own serializer (ClickEventSerializer), the accumulator is a POJO
        assertThat(TypeInformation.of(ClickEvent.class)).isInstanceOf(OwnSerializerTypeInfo.class);
        assertSerializedAsPojoWithoutKryo(Tally.class);
    }

    @ParameterizedTest
    @EnumSource(value = TriggerVariant.class, names = {"BUILTIN", "STATIC", "ADAPTIVE"})
    @SuppressWarnings("unchecked")
    void triggerStateNeedsNoKryo(TriggerVariant variant) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ((SerializerConfigImpl) env.getConfig().getSerializerConfig()).setGenericTypes(false);
        DataStream<Tally> out = env.fromData(new ClickEvent(0, "/p/0", "view", 1, 0))
                .keyBy(BY_USER)
                .window(GlobalWindows.create())
                .trigger(variant.trigger(3))
                .aggregate(new TallyAggregate());
        var t = (OneInputTransformation<ClickEvent, Tally>) out.getTransformation();
        OperatorSubtaskState snapshot;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), BY_USER, Types.INT)) {
            ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
            assertThat(h.getExecutionConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            h.setProcessingTime(1_000);
            for (int i = 0; i < 5; i++) { // one flush at 3, two pending
                h.processElement(new StreamRecord<>(new ClickEvent(i, "/p/" + i, "view", 7, 1_000), 1_000));
            }
            assertThat(h.extractOutputValues()).extracting(x -> x.events).containsExactly(3L);
            snapshot = h.snapshot(1, 1_000);
        }
        try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(t.getOperatorFactory(), BY_USER, Types.INT)) {
            ((SerializerConfigImpl) restored.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
            restored.setStateBackend(new EmbeddedRocksDBStateBackend());
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(1_000);
            restored.processElement(new StreamRecord<>(new ClickEvent(9, "/p/9", "view", 7, 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(x -> x.events).containsExactly(3L);
        }
    }
}
