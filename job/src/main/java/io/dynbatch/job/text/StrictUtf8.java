package io.dynbatch.job.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: bytes that are not well-formed UTF-8 (stray continuation bytes, truncated
 * sequences, overlong forms, encoded surrogates, code points above U+10FFFF) are reported, never
 * replaced. Pure; a decoder is made per call (decoders are not thread-safe).
 */
public final class StrictUtf8 {

    private StrictUtf8() {}

    /** The text of {@code bytes}, or null if they are not well-formed UTF-8. */
    public static String decodeOrNull(byte[] bytes) {
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never needs more chars than bytes
        return firstInvalidByte(bytes, out) < 0 ? out.flip().toString() : null;
    }

    /** The offset of the first byte that is not part of well-formed UTF-8, or -1 if all are. */
    public static int firstInvalidByte(byte[] bytes) {
        return firstInvalidByte(bytes, CharBuffer.allocate(bytes.length));
    }

    private static int firstInvalidByte(byte[] bytes, CharBuffer out) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        result = decoder.flush(out);
        return result.isError() ? in.position() : -1;
    }
}
