package io.dynbatch.job.model;

import org.junit.jupiter.api.Test;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

/**
 * Every type that crosses the network or lives in state is a Flink POJO, never Kryo; the event
 * and the row key, on the hot path, have their own serializers ({@link OwnSerializersTest}).
 */
class PojoSerializationTest {

    @Test
    void eventTypesAndStateAreSerializedAsPojosWithoutKryo() {
        assertSerializedAsPojoWithoutKryo(RawClick.class);
        assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        assertSerializedAsPojoWithoutKryo(BatchReceipt.class);
        assertSerializedAsPojoWithoutKryo(FiredBatch.class);
    }
}
