package io.dynbatch.job.model;

import org.junit.jupiter.api.Test;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;

/** Every type that crosses the network or lives in state is a Flink POJO, never Kryo. */
class PojoSerializationTest {

    @Test
    void eventTypesAndStateAreSerializedAsPojosWithoutKryo() {
        assertSerializedAsPojoWithoutKryo(RawClick.class);
        assertSerializedAsPojoWithoutKryo(ClickEvent.class);
        assertSerializedAsPojoWithoutKryo(RowKey.class);
        assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        assertSerializedAsPojoWithoutKryo(BatchReceipt.class);
    }
}
