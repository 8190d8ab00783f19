package io.dynbatch.job.sink;

import java.nio.charset.StandardCharsets;

/**
 * Turns values a database refused into values it cannot refuse: text becomes printable ASCII
 * (unchanged when it already is, else {@code hex:} and its UTF-8 bytes in hex), timestamps are
 * clamped to years 1970..9999. Deterministic, so a replayed residue equals the first one. Pure.
 */
public final class Residue {

    /** 9999-12-31T23:59:59Z in epoch milliseconds. */
    static final long MAX_TIMESTAMP_MILLIS = 253_402_300_799_000L;

    private Residue() {}

    /** {@code text} if it is printable ASCII (or null), else {@code hex:<UTF-8 bytes in hex>}. */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x20 || ch > 0x7e) {
                return "hex:" + hex(text);
            }
        }
        return text;
    }

    /** The UTF-8 bytes of {@code text} as lower-case hex (a lone surrogate becomes '?'). */
    public static String hex(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    /** {@code millis} clamped to what a PostgreSQL timestamp certainly holds (1970..9999). */
    public static long timestamp(long millis) {
        return Math.max(0, Math.min(MAX_TIMESTAMP_MILLIS, millis));
    }
}
