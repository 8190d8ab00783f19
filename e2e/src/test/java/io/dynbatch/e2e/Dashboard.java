package io.dynbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard (deploy/grafana/dashboards/dynbatch.json) and the metric names its
 * queries use: every panel target's PromQL and every templating query.
 */
final class Dashboard {

    static final String PATH = "deploy/grafana/dashboards/dynbatch.json";

    /** Flink's Prometheus reporter names every metric flink_<scope>_<name>. */
    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    final JsonNode json;

    private Dashboard(JsonNode json) {
        this.json = json;
    }

    static Dashboard load() throws IOException {
        return parse(Repo.file(PATH));
    }

    static Dashboard parse(Path file) throws IOException {
        return new Dashboard(new ObjectMapper().readTree(file.toFile()));
    }

    static Dashboard of(JsonNode json) {
        return new Dashboard(json);
    }

    /** Every panel, rows and panels nested in collapsed rows included, in order. */
    List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        collect(json.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            collect(p.path("panels"), out);
        }
    }

    /** Query text -> where it is used ("panel 'title' A", "variable arm"). */
    Map<String, String> queries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode p : panels()) {
            for (JsonNode t : p.path("targets")) {
                queries.put(t.path("expr").asText(""), "panel '" + p.path("title").asText() + "' " + t.path("refId").asText());
            }
        }
        for (JsonNode v : json.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                JsonNode q = v.path("query");
                queries.put(q.isObject() ? q.path("query").asText("") : q.asText(""), "variable " + v.path("name").asText());
            }
        }
        return queries;
    }

    /** The metric names one PromQL expression reads (label values in quotes are not names). */
    static Set<String> metricNames(String promql) {
        String unquoted = QUOTED.matcher(promql).replaceAll("\"\"");
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(unquoted);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** Every metric name any query of the dashboard reads. */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        queries().keySet().forEach(q -> names.addAll(metricNames(q)));
        return names;
    }

    /**
     * The queries that read a metric not in {@code exported}, as "where: metric" lines; empty when the
     * dashboard only reads exported metrics. A query that reads no flink_ metric at all is reported too.
     */
    List<String> queriesOfMissingMetrics(Collection<String> exported) {
        List<String> problems = new ArrayList<>();
        queries().forEach((query, where) -> {
            Set<String> names = metricNames(query);
            if (names.isEmpty()) {
                problems.add(where + ": reads no flink_ metric: " + query);
            }
            for (String name : names) {
                if (!exported.contains(name)) {
                    problems.add(where + ": " + name + " is not exported");
                }
            }
        });
        return problems;
    }
}
