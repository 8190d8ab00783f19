package io.dynbatch.job.model;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The field encodings the model's own serializers share: an event type as one byte (its {@link
 * EventType} ordinal + 1, or 0 followed by the text for a type outside the enum), strings as a
 * presence flag and modified UTF-8 (at most 65,535 bytes; the parser bounds pages at 512 characters).
 */
final class CompactFields {

    private static final EventType[] TYPES = EventType.values();

    private CompactFields() {}

    static void writeEventType(String eventType, DataOutputView out) throws IOException {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i].wireName().equals(eventType)) {
                out.writeByte(i + 1);
                return;
            }
        }
        out.writeByte(0);
        writeNullable(eventType, out);
    }

    /** The event type; a known one as the enum's own (shared) string. */
    static String readEventType(DataInputView in) throws IOException {
        int code = in.readUnsignedByte();
        return code == 0 ? readNullable(in) : TYPES[code - 1].wireName();
    }

    static void writeNullable(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
