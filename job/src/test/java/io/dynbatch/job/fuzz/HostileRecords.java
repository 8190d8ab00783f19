package io.dynbatch.job.fuzz;

import io.dynbatch.job.model.ClickEvent;
import io.dynbatch.job.source.ClickstreamGenerator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile variants of valid click records, for fuzzing: a valid record's JSON bytes and mutations of
 * its bytes, characters, structure and size, plus {@link #everyKnownCase} (one record of each hostile
 * kind known to matter). Pure and deterministic: the same record and mutations give the same bytes,
 * so a failing case is reproducible from its printed mutations.
 */
public final class HostileRecords {

    /** What a mutation does to the record. */
    public enum Kind {
        /** Sets one byte to any value. */
        SET_BYTE,
        /** Inserts a hostile byte sequence (NUL, malformed or overlong UTF-8, a BOM, a quote ...). */
        INSERT_BYTES,
        /** Inserts hostile JSON text (escaped NUL or lone surrogates, brackets, a duplicate field ...). */
        INSERT_TEXT,
        /** Deletes 1..8 bytes. */
        DELETE,
        /** Cuts the record short. */
        TRUNCATE,
        /** Adds a field that is already there (with a hostile value). */
        DUPLICATE_FIELD,
        /** Replaces a field's value with a hostile value (wrong type, out of range, nested, long ...). */
        REPLACE_VALUE,
        /** Renames a field (escaped NUL, case, unknown, a name already there). */
        RENAME_FIELD,
        /** Nests the record in arrays or objects. */
        WRAP,
        /** Makes the page long: around the page limit, around the record size limit, beyond. */
        GROW_PAGE
    }

    /** One mutation; {@code at} and {@code choice} are any non-negative ints, taken modulo what they pick from. */
    public record Mutation(Kind kind, int at, int choice) {

        /** The mutated record (a new array). */
        public byte[] apply(byte[] record) {
            String s = latin(record);
            int n = s.length();
            switch (kind) {
                case SET_BYTE:
                    if (n == 0) {
                        return record.clone();
                    }
                    byte[] out = record.clone();
                    out[at % n] = (byte) choice;
                    return out;
                case INSERT_BYTES:
                    return bytes(insert(s, at % (n + 1), latin(pick(HOSTILE_BYTES, choice))));
                case INSERT_TEXT:
                    return bytes(insert(s, at % (n + 1), utf8(pick(SNIPPETS, choice))));
                case DELETE:
                    if (n == 0) {
                        return record.clone();
                    }
                    int from = at % n;
                    return bytes(s.substring(0, from) + s.substring(Math.min(n, from + 1 + choice % 8)));
                case TRUNCATE:
                    return bytes(s.substring(0, at % (n + 1)));
                case DUPLICATE_FIELD: {
                    int brace = s.indexOf('{');
                    String field = "\"" + pick(FIELDS, choice) + "\":" + utf8(pick(VALUES, at)) + ",";
                    return bytes(brace < 0 ? field + s : insert(s, brace + 1, field));
                }
                case REPLACE_VALUE:
                    return bytes(replaceValue(s, pick(FIELDS, choice), utf8(pick(VALUES, at))));
                case RENAME_FIELD: {
                    String name = "\"" + pick(FIELDS, choice) + "\":";
                    int i = s.indexOf(name);
                    return i < 0 ? record.clone()
                            : bytes(s.substring(0, i) + "\"" + utf8(pick(NAMES, at)) + "\":" + s.substring(i + name.length()));
                }
                case WRAP: {
                    int depth = 1 + choice % 12;
                    boolean arrays = at % 2 == 0;
                    return bytes((arrays ? "[" : "{\"x\":").repeat(depth) + s + (arrays ? "]" : "}").repeat(depth));
                }
                case GROW_PAGE: {
                    int length = PAGE_LENGTHS[choice % PAGE_LENGTHS.length];
                    String unit = at % 3 == 0 ? "\u00e9" : at % 3 == 1 ? "\uD83D\uDE00" : "x";
                    int units = Math.max(1, (length - 1) / unit.length());
                    return bytes(replaceValue(s, "page", utf8("\"/" + unit.repeat(units) + "\"")));
                }
                default:
                    throw new IllegalStateException(kind.toString());
            }
        }
    }

    /** A named hostile record (null bytes: a record without a value) and the dead-letter reason it must get ("" = valid). */
    public record NamedCase(String name, byte[] bytes, String reason) {}

    static final byte[][] HOSTILE_BYTES = {
        {0}, {(byte) 0xc3, 0x28}, {(byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xff}, {(byte) 0xe2, (byte) 0x82},
        {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, {1}, {0x7f},
        {(byte) 0xc2, (byte) 0xa0}, {'\n'}, {'"'}, {'\\'},
    };
    static final String[] SNIPPETS = {
        "\\u0000", "\\ud800", "\\udc00", "\\udbff\\udfff", "\\udc00\\ud800", "\"", "\\", "{", "}", "[", "]", ",", ":",
        "\\u0001", "\u00e9", "\uD83D\uDE00", " ", "null", "\"page\":\"/p/2\",", "\"x\":1,", "\u0000", "\\\"",
    };
    static final String[] FIELDS = {"event_id", "page", "event_type", "user_id", "ingest_ts"};
    static final String[] NAMES = {
        "page\\u0000", "pa\\ud800ge", "Page", "x", "page", "event_id", "", "\\u0070age", "pag\u00e9",
    };
    static final String[] VALUES = {
        "\"\\u0000\"", "\"/p/\\ud800\"", "\"/p/\\udc00x\"", "\"/p/\\ud83d\\ude00\"", "\"\"", "\"/p/\\u0001\"",
        "\"view\"", "\"purchase\"", "\"VIEW\"", "1e400", "-1e400", "1.0", "99999999999999999999",
        "-9223372036854775808", "9223372036854775807", "0", "-1", "null", "true", "[]", "{}",
        "[[[[[[[[[1]]]]]]]]]", "{\"a\":1,\"a\":2}", "\"" + "x".repeat(600) + "\"", "\"/p/\u00e9\"",
        "\"/p/\\\"\\\\\"", "\"/p/\u0000\"", "[\"\\u0000\"]",
    };
    static final int[] PAGE_LENGTHS = {1, 511, 512, 513, 1000, 3900, 4100, 20_000};

    private HostileRecords() {}

    /** A valid record as producers send it. */
    public static byte[] valid(long eventId, String page, String type, long userId, long ingestTs) {
        return ClickstreamGenerator.toJson(new ClickEvent(eventId, page, type, userId, ingestTs))
                .getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] mutate(byte[] record, List<Mutation> mutations) {
        byte[] r = record;
        for (Mutation m : mutations) {
            r = m.apply(r);
        }
        return r;
    }

    /** 1..{@code max} random mutations. */
    public static List<Mutation> randomMutations(Random random, int max) {
        List<Mutation> ms = new ArrayList<>();
        int n = 1 + random.nextInt(max);
        for (int i = 0; i < n; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            ms.add(new Mutation(kind, random.nextInt(100_000), random.nextInt(1_000)));
        }
        return ms;
    }

    /** One record of each hostile kind known to matter, with the reason it must be dead-lettered for. */
    public static List<NamedCase> everyKnownCase(long now) {
        String ok = latin(valid(7, "/p/1", "view", 3, now));
        List<NamedCase> cases = new ArrayList<>();
        cases.add(text("escaped NUL in event_type", ok.replace("\"view\"", "\"vi\\u0000ew\""), "unstorable_text"));
        cases.add(text("escaped NUL in an unknown field's name", ok.replace("{", "{\"re\\u0000f\":1,"), "unstorable_text"));
        cases.add(text("escaped NUL in page", ok.replace("/p/1", "/p/\\u0000"), "unstorable_text"));
        cases.add(raw("raw NUL byte between fields", ok.replace(",\"page\"", ",\u0000\"page\""), "unstorable_text"));
        cases.add(raw("raw NUL byte in page", ok.replace("/p/1", "/p/\u0000"), "unstorable_text"));
        cases.add(raw("invalid UTF-8 C3 28 in page", ok.replace("/p/1", "/p/1\u00c3(x"), "invalid_utf8"));
        cases.add(raw("stray continuation byte", ok.replace("/p/1", "/p/\u0080"), "invalid_utf8"));
        cases.add(raw("UTF-8-encoded surrogate (CESU-8)", ok.replace("/p/1", "/p/\u00ed\u00a0\u0080"), "invalid_utf8"));
        cases.add(raw("overlong NUL C0 80", ok.replace("/p/1", "/p/\u00c0\u0080"), "invalid_utf8"));
        cases.add(raw("code point above U+10FFFF", ok.replace("/p/1", "/p/\u00f4\u0090\u0080\u0080"), "invalid_utf8"));
        cases.add(raw("truncated UTF-8 at the end", ok + "\u00e2\u0082", "invalid_utf8"));
        cases.add(text("escaped lone high surrogate in page", ok.replace("/p/1", "/p/\\ud800"), "unstorable_text"));
        cases.add(text("escaped lone low surrogate in page", ok.replace("/p/1", "/p/\\udc00"), "unstorable_text"));
        cases.add(text("escaped surrogates in reverse order", ok.replace("/p/1", "/p/\\udc00\\ud83d"), "unstorable_text"));
        cases.add(text("duplicate key page", ok.replace("\"page\":\"/p/1\"", "\"page\":\"/p/1\",\"page\":\"/p/2\""),
                "duplicate_field"));
        cases.add(text("duplicate key in a nested object", ok.replace("{", "{\"x\":{\"a\":1,\"a\":2},"), "duplicate_field"));
        cases.add(text("page of 513 chars", ok.replace("/p/1", "/" + "x".repeat(512)), "invalid_value"));
        cases.add(text("page of 512 chars", ok.replace("/p/1", "/" + "x".repeat(511)), ""));
        cases.add(text("page of 512 chars as 255 emoji", ok.replace("/p/1", "/" + "\uD83D\uDE00".repeat(255) + "x"), ""));
        cases.add(text("escaped control character in page", ok.replace("/p/1", "/p/\\u0001"), ""));
        cases.add(raw("raw control character in page", ok.replace("/p/1", "/p/\u0001"), "malformed_json"));
        cases.add(text("nesting depth 9", "{\"x\":[[[[[[[[1]]]]]]]]}", "too_deeply_nested"));
        cases.add(text("nesting depth 2000", "[".repeat(2000) + "]".repeat(2000), "too_deeply_nested"));
        cases.add(text("event_id beyond 64 bits", ok.replace("\"event_id\":7", "\"event_id\":9223372036854775808"),
                "wrong_type"));
        cases.add(text("event_id 1e400", ok.replace("\"event_id\":7", "\"event_id\":1e400"), "wrong_type"));
        cases.add(text("user_id with 900 digits", ok.replace("\"user_id\":3", "\"user_id\":" + "9".repeat(900)), "wrong_type"));
        cases.add(text("record of 5000 bytes", ok.replace("/p/1", "/p/" + "x".repeat(5000)), "oversized_record"));
        cases.add(raw("5000 bytes that are not UTF-8", "\u00ff".repeat(5000), "oversized_record"));
        cases.add(new NamedCase("record without a value", null, "malformed_json"));
        cases.add(text("empty record", "", "malformed_json"));
        cases.add(text("byte order mark first", "\uFEFF" + ok, "malformed_json"));
        return cases;
    }

    /** A case given as Java text, sent as its UTF-8 bytes. */
    private static NamedCase text(String name, String json, String reason) {
        return new NamedCase(name, json.getBytes(StandardCharsets.UTF_8), reason);
    }

    /** A case given byte for byte (each char one byte, ISO-8859-1), so it can hold bytes that are not UTF-8. */
    private static NamedCase raw(String name, String latin, String reason) {
        return new NamedCase(name, latin.getBytes(StandardCharsets.ISO_8859_1), reason);
    }

    private static String replaceValue(String s, String field, String value) {
        String name = "\"" + field + "\":";
        int start = s.indexOf(name);
        if (start < 0) {
            return s;
        }
        int from = start + name.length();
        int end = from;
        while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != '}') {
            end++;
        }
        return s.substring(0, from) + value + s.substring(end);
    }

    private static String insert(String s, int at, String what) {
        return s.substring(0, at) + what + s.substring(at);
    }

    private static <T> T pick(T[] options, int choice) {
        return options[choice % options.length];
    }

    /** Bytes as a String of one char per byte (ISO-8859-1), and back with {@link #bytes}. */
    private static String latin(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String latin) {
        return latin.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Java text as its UTF-8 bytes in the one-char-per-byte view. */
    private static String utf8(String text) {
        return latin(text.getBytes(StandardCharsets.UTF_8));
    }
}
