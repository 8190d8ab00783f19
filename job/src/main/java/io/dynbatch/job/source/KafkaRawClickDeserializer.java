package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * A Kafka record as a {@link RawClick}: the value as UTF-8 text (null for a tombstone, which the
 * parser refuses) and its position, {@code kafka:<topic>:<partition>:<offset>}, which a replay from a
 * checkpoint reads again unchanged.
 */
public final class KafkaRawClickDeserializer implements KafkaRecordDeserializationSchema<RawClick> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawClick> out) {
        byte[] value = record.value();
        out.collect(new RawClick(value == null ? null : new String(value, StandardCharsets.UTF_8), origin(record)));
    }

    static String origin(ConsumerRecord<?, ?> record) {
        return "kafka:" + record.topic() + ":" + record.partition() + ":" + record.offset();
    }

    @Override
    public TypeInformation<RawClick> getProducedType() {
        return TypeInformation.of(RawClick.class);
    }
}
