package io.dynbatch.job.source;

import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaRawClickDeserializerTest {

    @Test
    void aRecordKeepsItsTopicPartitionAndOffsetAsOrigin() {
        List<RawClick> out = deserialize(new ConsumerRecord<>("clicks", 3, 1207L, null,
                "{\"event_id\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.payload).isEqualTo("{\"event_id\":1}");
            assertThat(r.origin).isEqualTo("kafka:clicks:3:1207");
        });
    }

    @Test
    void aTombstoneIsPassedOnWithoutPayload() {
        List<RawClick> out = deserialize(new ConsumerRecord<byte[], byte[]>("clicks", 0, 5L, null, null));
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.payload).isNull();
            assertThat(r.origin).isEqualTo("kafka:clicks:0:5");
        });
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsBytesNeverReplaced() {
        byte[] value = {'{', '"', 0x2f, (byte) 0xc3, 0x28, '"', '}'};
        List<RawClick> out = deserialize(new ConsumerRecord<>("clicks", 1, 9L, null, value));
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.payload).isNull();
            assertThat(r.invalidUtf8).containsExactly(value);
            assertThat(r.origin).isEqualTo("kafka:clicks:1:9");
        });
    }

    private static List<RawClick> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<RawClick> out = new ArrayList<>();
        new KafkaRawClickDeserializer().deserialize(record, new ListCollector<>(out));
        return out;
    }
}
