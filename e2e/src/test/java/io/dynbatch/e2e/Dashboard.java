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
    private static final Pattern MATCHER =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on)\\s*\\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(.*,\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*$");

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
     * The queries whose selectors or groupings the exported series cannot satisfy, as "where: problem"
     * lines; empty when every selector {@code flink_x{label op "value", ...}} matches at least one
     * exported series ({@code =}, {@code !=}, {@code =~}, {@code !~}, regexes anchored as in PromQL;
     * a value with a dashboard variable matches anything) and every label a query groups or joins by
     * ({@code by (...)}, {@code on (...)}, a variable's {@code label_values(..., label)}) is on the
     * selected series of a metric the query reads (without parsing which sub-expression a clause
     * belongs to: exact for one-metric queries). Catches a panel that reads an exported metric
     * but would still show nothing: a wrong label, label value or quantile.
     */
    List<String> queriesSelectingNothing(Collection<PrometheusText.Sample> exported) {
        List<String> problems = new ArrayList<>();
        queries().forEach((query, where) -> {
            Map<String, List<PrometheusText.Sample>> selectedByMetric = new LinkedHashMap<>();
            for (Selector sel : selectors(query)) {
                List<PrometheusText.Sample> selected = exported.stream()
                        .filter(s -> s.name().equals(sel.metric()) && sel.matches(s.labels())).toList();
                if (selected.isEmpty()) {
                    problems.add(where + ": " + sel.text() + " selects no exported series");
                }
                selectedByMetric.computeIfAbsent(sel.metric(), m -> new ArrayList<>()).addAll(selected);
            }
            for (String label : groupingLabels(query)) {
                boolean somewhere = selectedByMetric.values().stream()
                        .anyMatch(selected -> selected.stream().anyMatch(s -> s.labels().containsKey(label)));
                if (!somewhere && selectedByMetric.values().stream().noneMatch(List::isEmpty)) {
                    problems.add(where + ": label " + label + " is not on " + String.join(", ", selectedByMetric.keySet()));
                }
            }
        });
        return problems;
    }

    /** A metric selector: the name and its label matchers. */
    record Selector(String metric, List<LabelMatcher> matchers, String text) {
        boolean matches(Map<String, String> labels) {
            return matchers.stream().allMatch(m -> m.matches(labels.getOrDefault(m.label(), "")));
        }
    }

    /** One label matcher: label, operator (=, !=, =~, !~) and value. */
    record LabelMatcher(String label, String op, String value) {
        boolean matches(String actual) {
            if (value.contains("$")) {
                return true; // a dashboard variable: any value
            }
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> Pattern.compile(value).matcher(actual).matches();
                case "!~" -> !Pattern.compile(value).matcher(actual).matches();
                default -> throw new IllegalArgumentException("matcher operator " + op);
            };
        }
    }

    /** The metric selectors of one PromQL expression, in order (names inside quoted strings are not metrics). */
    static List<Selector> selectors(String promql) {
        List<Selector> out = new ArrayList<>();
        int i = 0;
        while (i < promql.length()) {
            char c = promql.charAt(i);
            if (c == '"') {
                i = endOfQuoted(promql, i);
                continue;
            }
            boolean wordStart = i == 0 || !(Character.isLetterOrDigit(promql.charAt(i - 1)) || promql.charAt(i - 1) == '_');
            if (wordStart && promql.startsWith("flink_", i)) {
                int end = i;
                while (end < promql.length() && (Character.isLetterOrDigit(promql.charAt(end))
                        || promql.charAt(end) == '_' || promql.charAt(end) == ':')) {
                    end++;
                }
                String metric = promql.substring(i, end);
                int j = end;
                while (j < promql.length() && promql.charAt(j) == ' ') {
                    j++;
                }
                List<LabelMatcher> matchers = new ArrayList<>();
                int textEnd = end;
                if (j < promql.length() && promql.charAt(j) == '{') {
                    int k = j + 1;
                    while (promql.charAt(k) != '}') {
                        k = promql.charAt(k) == '"' ? endOfQuoted(promql, k) : k + 1;
                    }
                    Matcher m = MATCHER.matcher(promql.substring(j + 1, k));
                    while (m.find()) {
                        matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3).replaceAll("\\\\(.)", "$1")));
                    }
                    textEnd = k + 1;
                }
                out.add(new Selector(metric, matchers, promql.substring(i, textEnd)));
                i = textEnd;
                continue;
            }
            i++;
        }
        return out;
    }

    /** Labels a query groups or joins by ({@code by (...)}, {@code on (...)}), or a variable's label_values label. */
    static Set<String> groupingLabels(String promql) {
        String unquoted = QUOTED.matcher(promql).replaceAll("\"\"");
        Set<String> labels = new TreeSet<>();
        Matcher m = GROUPING.matcher(unquoted);
        while (m.find()) {
            for (String label : m.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        Matcher lv = LABEL_VALUES.matcher(unquoted);
        if (lv.find()) {
            labels.add(lv.group(1));
        }
        return labels;
    }

    private static int endOfQuoted(String s, int open) {
        int k = open + 1;
        while (k < s.length() && s.charAt(k) != '"') {
            k += s.charAt(k) == '\\' ? 2 : 1;
        }
        return k + 1;
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
