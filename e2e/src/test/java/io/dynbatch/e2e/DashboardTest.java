package io.dynbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard's structure and provisioning, and the check that keeps it honest:
 * {@link Dashboard#queriesOfMissingMetrics} (run against a live job in
 * {@link StandaloneClusterSmokeITCase}) must report any query of a metric that is not exported.
 */
class DashboardTest {

    private final Dashboard dashboard = Dashboard.load();

    DashboardTest() throws Exception {}

    @Test
    void hasTheOverviewOnCallAndDebugRows() {
        List<String> rows = new ArrayList<>();
        for (JsonNode p : dashboard.panels()) {
            if (p.path("type").asText().equals("row")) {
                rows.add(p.path("title").asText());
            }
        }
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).startsWith("Overview");
        assertThat(rows.get(1)).startsWith("On-call");
        assertThat(rows.get(2)).startsWith("Debug");
    }

    @Test
    void overviewComparesTheArms() {
        // Panels of the first row (up to the second row) split freshness and cost by arm.
        List<JsonNode> overview = new ArrayList<>();
        int rowsSeen = 0;
        for (JsonNode p : dashboard.json.path("panels")) {
            if (p.path("type").asText().equals("row")) {
                rowsSeen++;
                continue;
            }
            if (rowsSeen == 1) {
                overview.add(p);
            }
        }
        assertThat(overview).isNotEmpty();
        for (JsonNode p : overview) {
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("expr").asText()).as(p.path("title").asText())
                        .containsAnyOf("by (arm)", "by (operator_name)");
            }
        }
        String all = dashboard.json.toString();
        assertThat(all).contains("dynbatch_arm_transactions", "dynbatch_arm_dbMillis", "dynbatch_arm_batchSize",
                "dynbatch_deadLetters", "circuitBreakerState", "numRestarts", "lastCheckpointDuration");
    }

    @Test
    void everyPanelQueriesTheProvisionedDatasourceAndKnownVariables() throws Exception {
        JsonNode datasources = Manifests.yaml("deploy/grafana/provisioning/datasources/prometheus.yml");
        String uid = datasources.path("datasources").get(0).path("uid").asText();
        assertThat(datasources.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");

        Set<String> variables = new TreeSet<>();
        dashboard.json.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));

        for (JsonNode p : dashboard.panels()) {
            String type = p.path("type").asText();
            if (type.equals("row") || type.equals("text")) {
                continue;
            }
            String title = p.path("title").asText();
            assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
            assertThat(p.path("targets")).as(title + " has queries").isNotEmpty();
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                assertThat(expr).as(title).isNotBlank();
                assertThat(balanced(expr)).as("balanced brackets in %s: %s", title, expr).isTrue();
                assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
                for (String word : expr.split("[^A-Za-z0-9_$]+")) {
                    if (word.startsWith("$")) {
                        assertThat(variables).as("variable %s in %s", word, title).contains(word.substring(1));
                    }
                }
            }
        }

        JsonNode providers = Manifests.yaml("deploy/grafana/provisioning/dashboards/dynbatch.yml");
        assertThat(providers.path("providers").get(0).path("type").asText()).isEqualTo("file");
        assertThat(providers.path("providers").get(0).path("options").path("path").asText()).isNotBlank();
    }

    @Test
    void metricNamesAreReadFromPromqlNotFromLabelValues() {
        assertThat(Dashboard.metricNames(
                "1000 * sum by (arm) (rate(flink_a_dbMillis{arm=~\"$arm\", x=\"flink_not_a_metric\"}[5m]))"
                        + " / sum by (arm) (rate(flink_a_eventsWritten[5m]))"))
                .containsExactly("flink_a_dbMillis", "flink_a_eventsWritten");
    }

    @Test
    void theCheckReportsAQueryOfAMissingMetric() {
        Set<String> everything = dashboard.metricNames();
        assertThat(everything).isNotEmpty();
        assertThat(dashboard.queriesOfMissingMetrics(everything)).isEmpty();

        // One exported metric fewer: every query that reads it is reported.
        String dropped = "flink_taskmanager_job_task_operator_dynbatch_arm_transactions";
        assertThat(everything).contains(dropped);
        Set<String> fewer = new TreeSet<>(everything);
        fewer.remove(dropped);
        List<String> problems = dashboard.queriesOfMissingMetrics(fewer);
        assertThat(problems).isNotEmpty().allMatch(p -> p.endsWith(dropped + " is not exported"));
        assertThat(problems).anyMatch(p -> p.startsWith("panel 'Transactions per second per arm'"));
        assertThat(problems).anyMatch(p -> p.startsWith("variable arm"));

        // A panel added for a metric the job does not export is caught.
        ObjectNode copy = dashboard.json.deepCopy();
        ObjectNode panel = new ObjectMapper().createObjectNode();
        panel.put("type", "timeseries").put("title", "Insight latency p99");
        panel.putArray("targets").addObject().put("refId", "A")
                .put("expr", "max by (arm) (flink_taskmanager_job_task_operator_dynbatch_arm_insightLatency{quantile=\"0.99\"})");
        ((com.fasterxml.jackson.databind.node.ArrayNode) copy.path("panels")).add(panel);
        assertThat(Dashboard.of(copy).queriesOfMissingMetrics(everything)).containsExactly(
                "panel 'Insight latency p99' A: flink_taskmanager_job_task_operator_dynbatch_arm_insightLatency is not exported");
    }

    @Test
    void prometheusTextIsParsedWithLabels() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(String.join("\n",
                "# HELP flink_x_flushes flushes (scope: x)",
                "# TYPE flink_x_flushes gauge",
                "flink_x_flushes{arm=\"static\",reason=\"end_of_input\",task_name=\"a \\\"b\\\"\",} 3.0",
                "flink_x_batchSize{quantile=\"0.99\",} NaN",
                "flink_jobmanager_numRunningJobs 1.0"));
        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).labels()).isEqualTo(Map.of("arm", "static", "reason", "end_of_input", "task_name", "a \"b\""));
        assertThat(samples.get(0).value()).isEqualTo(3.0);
        assertThat(samples.get(1).value()).isNaN();
        assertThat(PrometheusText.names(samples))
                .containsExactly("flink_jobmanager_numRunningJobs", "flink_x_batchSize", "flink_x_flushes");
    }

    private static boolean balanced(String expr) {
        StringBuilder stack = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' && (i == 0 || expr.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            if (quoted) {
                continue;
            }
            if ("([{".indexOf(c) >= 0) {
                stack.append(c);
            } else if (")]}".indexOf(c) >= 0) {
                if (stack.isEmpty() || "([{".indexOf(stack.charAt(stack.length() - 1)) != ")]}".indexOf(c)) {
                    return false;
                }
                stack.setLength(stack.length() - 1);
            }
        }
        return stack.isEmpty() && !quoted;
    }
}
