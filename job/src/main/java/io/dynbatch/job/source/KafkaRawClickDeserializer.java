package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;
import io.dynbatch.job.text.StrictUtf8;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A Kafka record as a {@link RawClick}: the value decoded as strict UTF-8 ({@link StrictUtf8}: never
 * with replacement characters; a value that is not well-formed UTF-8 is passed on as its bytes,
 * which the parser refuses), null for a tombstone (also refused), and its position, {@code
 * kafka:<topic>:<partition>:<offset>}, which a replay from a checkpoint reads again unchanged.
 */
public final class KafkaRawClickDeserializer implements KafkaRecordDeserializationSchema<RawClick> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawClick> out) {
        byte[] value = record.value();
        if (value == null) {
            out.collect(new RawClick(null, origin(record)));
            return;
        }
        String text = StrictUtf8.decodeOrNull(value);
        out.collect(text != null ? new RawClick(text, origin(record)) : RawClick.notUtf8(value, origin(record)));
    }

    static String origin(ConsumerRecord<?, ?> record) {
        return "kafka:" + record.topic() + ":" + record.partition() + ":" + record.offset();
    }

    @Override
    public TypeInformation<RawClick> getProducedType() {
        return TypeInformation.of(RawClick.class);
    }
}
