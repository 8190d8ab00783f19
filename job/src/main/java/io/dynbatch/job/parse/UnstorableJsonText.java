package io.dynbatch.job.parse;

import io.dynbatch.job.text.StorableText;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Finds text in a parsed JSON tree that PostgreSQL cannot store unaltered ({@link StorableText}):
 * a NUL or an unpaired surrogate that arrived as a JSON escape ({@code \}{@code u0000}, {@code
 * \}{@code ud800}) in any field name or string value, at any depth. Pure; the depth is bounded by the
 * reader that built the tree.
 */
final class UnstorableJsonText {

    private UnstorableJsonText() {}

    /** Where the first such text is, for a dead letter's detail, or null if there is none. */
    static String find(JsonNode node) {
        return find(node, "");
    }

    /** {@code "NUL character"} or {@code "unpaired surrogate U+D800"}. */
    static String describe(char c) {
        return c == '\u0000' ? "NUL character" : String.format("unpaired surrogate U+%04X", (int) c);
    }

    private static String find(JsonNode node, String path) {
        if (node.isTextual()) {
            int at = StorableText.firstUnstorable(node.textValue());
            return at < 0 ? null : describe(node.textValue().charAt(at)) + " (escaped) in the value of '" + path + "'";
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            int at = StorableText.firstUnstorable(field.getKey());
            if (at >= 0) {
                return describe(field.getKey().charAt(at)) + " (escaped) in a field name";
            }
            String name = StorableText.truncate(field.getKey(), ClickEventParser.MAX_QUOTED_CHARS);
            String inside = find(field.getValue(), path.isEmpty() ? name : path + "." + name);
            if (inside != null) {
                return inside;
            }
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            String inside = find(node.get(i), path + "[" + i + "]");
            if (inside != null) {
                return inside;
            }
        }
        return null;
    }
}
