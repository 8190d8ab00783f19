package io.dynbatch.job.text;

/**
 * Text that PostgreSQL stores unaltered. A {@code text} value in a UTF-8 database cannot hold NUL
 * (U+0000: refused, SQLSTATE 22021), and a Java string's unpaired UTF-16 surrogate has no UTF-8 form
 * (the JDBC driver would replace it with {@code ?}: silently altered). Everything else is stored as
 * it is.
 *
 * <p>Guarantees: {@link #encode} returns text without NUL and without unpaired surrogates, for any
 * input; it returns storable input unchanged ({@link #TEXT}), and otherwise an {@link #ESCAPED}
 * form that {@link #unescape} turns back into the input exactly. {@link #truncate} never cuts a
 * surrogate pair in two. Pure and stateless.
 */
public final class StorableText {

    /** The text is stored as it was. */
    public static final String TEXT = "text";
    /**
     * The text held characters PostgreSQL cannot store: each of them (NUL, unpaired surrogates) is
     * written as {@code \}{@code uXXXX} (four hex digits of the UTF-16 unit) and every backslash as
     * {@code \\}; {@link #unescape} reverses it.
     */
    public static final String ESCAPED = "escaped";
    /** The value was bytes that are not text (e.g. invalid UTF-8), stored as lower-case hex, two digits a byte. */
    public static final String HEX = "hex";

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** A text ready to bind and how it is encoded ({@link #TEXT} or {@link #ESCAPED}). */
    public record Encoded(String text, String encoding) {}

    private StorableText() {}

    /** The index of the first character PostgreSQL cannot store unaltered, or -1 if there is none. */
    public static int firstUnstorable(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u0000') {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // a valid pair
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static boolean isStorable(CharSequence s) {
        return firstUnstorable(s) < 0;
    }

    /** {@code s} as is when storable (and for null), else its {@link #ESCAPED} form. */
    public static Encoded encode(String s) {
        return s == null || isStorable(s) ? new Encoded(s, TEXT) : new Encoded(escape(s), ESCAPED);
    }

    /** The text of {@link #encode}, for a column whose encoding is not recorded (e.g. a reason code). */
    public static String storable(String s) {
        return encode(s).text();
    }

    /** The {@link #ESCAPED} form of {@code s}: always storable, reversible with {@link #unescape}. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\u0000' || (Character.isSurrogate(c) && !pairAt(s, i))) {
                out.append("\\u").append(HEX_DIGITS[c >> 12 & 0xf]).append(HEX_DIGITS[c >> 8 & 0xf])
                        .append(HEX_DIGITS[c >> 4 & 0xf]).append(HEX_DIGITS[c & 0xf]);
            } else if (Character.isHighSurrogate(c)) {
                out.append(c).append(s.charAt(++i)); // a valid pair, kept
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The inverse of {@link #escape} (for its output; other text may not survive it). */
    public static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
            } else if (s.charAt(i + 1) == '\\') {
                out.append('\\');
                i++;
            } else if (s.charAt(i + 1) == 'u' && i + 6 <= s.length()) {
                out.append((char) Integer.parseInt(s, i + 2, i + 6, 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The first {@code maxChars} chars of {@code s}, one fewer if that would split a surrogate pair. */
    public static String truncate(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** The first {@code maxBytes} bytes of {@code bytes} in {@link #HEX}. */
    public static String hex(byte[] bytes, int maxBytes) {
        int n = Math.min(bytes.length, maxBytes);
        char[] out = new char[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = HEX_DIGITS[bytes[i] >> 4 & 0xf];
            out[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** The inverse of {@link #hex}. */
    public static byte[] unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return out;
    }

    private static boolean pairAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
