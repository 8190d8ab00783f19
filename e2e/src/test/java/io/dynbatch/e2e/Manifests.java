package io.dynbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the deploy/ files the tests compare: YAML manifests, the Flink config, the Dockerfile. */
final class Manifests {

    private static final YAMLMapper YAML = new YAMLMapper();

    private Manifests() {}

    static JsonNode yaml(String relative) throws IOException {
        return YAML.readTree(Repo.file(relative).toFile());
    }

    /** A flat-key YAML map (Flink config) as strings, in file order. */
    static Map<String, String> flatStrings(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The containers named {@code name} of a pod template. */
    static JsonNode container(JsonNode podTemplate, String name) {
        for (JsonNode c : podTemplate.path("spec").path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container " + name + " in pod template " + podTemplate);
    }

    /** Dockerfile instructions (continuation lines joined, comments dropped), e.g. "COPY a b". */
    static List<String> dockerfile(String relative) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Repo.file(relative))) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            if (current.length() > 0) {
                instructions.add(current.toString().strip());
            }
            current.setLength(0);
        }
        return instructions;
    }
}
