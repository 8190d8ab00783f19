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
                "dynbatch_deadLetters", "circuitBreakerState", "numRestarts", "lastCheckpointDuration",
                // the A/B comparator's report and the adaptive trigger's gauges
                "dynbatch_arm_reportP99Millis", "dynbatch_arm_reportSloMet", "dynbatch_arm_reportDbMillisPer1kEvents",
                "dynbatch_arm_reportCostPer1kEvents", "dynbatch_arm_reportTransactions", "dynbatch_arm_targetSize",
                "dynbatch_arm_deadlineMillis", "dynbatch_arm_costPerCallMillis", "dynbatch_arm_costPerElementMicros",
                "dynbatch_arm_writerUtilisation", "dynbatch_arm_pendingCount");
        assertThat(dashboard.panels()).as("no placeholder text panels").noneMatch(p -> p.path("type").asText().equals("text"));
    }

    @Test
    void theSloPanelsShowTheReportedP99AgainstTwoSeconds() {
        // The overview's latency panel and the on-call stat read the comparator's p99, in ms, red from 2 s
        // (the default --slo), and only once an arm has reported (before that the gauge reads 0).
        List<JsonNode> p99Panels = dashboard.panels().stream()
                .filter(p -> p.path("targets").toString().contains("dynbatch_arm_reportP99Millis")).toList();
        assertThat(p99Panels).hasSize(2).extracting(p -> p.path("type").asText()).containsExactly("timeseries", "stat");
        for (JsonNode p : p99Panels) {
            JsonNode defaults = p.path("fieldConfig").path("defaults");
            assertThat(defaults.path("unit").asText()).as(p.path("title").asText()).isEqualTo("ms");
            List<String> red = new ArrayList<>();
            defaults.path("thresholds").path("steps").forEach(step -> {
                if (step.path("color").asText().equals("red")) {
                    red.add(step.path("value").asText());
                }
            });
            assertThat(red).as(p.path("title").asText()).containsExactly("2000");
            assertThat(p.path("targets").get(0).path("expr").asText()).contains("dynbatch_arm_reportTransactions");
        }
        JsonNode sloMet = dashboard.panels().stream()
                .filter(p -> p.path("targets").toString().contains("dynbatch_arm_reportSloMet")).findFirst().orElseThrow();
        assertThat(sloMet.path("fieldConfig").path("defaults").path("mappings").toString()).contains("met", "missed");
        assertThat(dashboard.json.toString()).doesNotContain("SLO + 2 s");
    }

    @Test
    void theSelectorCheckReportsQueriesThatWouldShowNothing() {
        List<PrometheusText.Sample> exported = PrometheusText.parse(String.join("\n",
                "flink_a_batchSize{job_name=\"j\",arm=\"static\",quantile=\"0.5\",subtask_index=\"0\",} 1.0",
                "flink_a_batchSize{job_name=\"j\",arm=\"static\",quantile=\"0.99\",subtask_index=\"0\",} 2.0",
                "flink_a_reportP99{job_name=\"j\",arm=\"static\",operator_name=\"ab_comparator\",} 3.0"));
        ObjectNode json = new ObjectMapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode panels = json.putArray("panels");
        Map<String, String> queries = new java.util.LinkedHashMap<>();
        queries.put("ok", "max by (arm) (flink_a_reportP99{job_name=~\"$job_name\", arm=~\"$arm\"})"
                + " and on (arm) (max by (arm, subtask_index) (flink_a_batchSize{quantile=~\"0.5|0.99\", arm!=\"x\"}) > 0)");
        queries.put("quantile", "max by (arm) (flink_a_batchSize{arm=~\"$arm\", quantile=\"0.9\"})");
        queries.put("anchored", "max by (arm) (flink_a_batchSize{quantile=~\"0.9\"})");
        queries.put("label", "max by (subtask_index) (flink_a_reportP99{arm=~\"$arm\"})");
        queries.forEach((title, expr) -> {
            ObjectNode panel = panels.addObject().put("type", "timeseries").put("title", title);
            panel.putArray("targets").addObject().put("refId", "A").put("expr", expr);
        });
        assertThat(Dashboard.of(json).queriesSelectingNothing(exported)).containsExactly(
                "panel 'quantile' A: flink_a_batchSize{arm=~\"$arm\", quantile=\"0.9\"} selects no exported series",
                "panel 'anchored' A: flink_a_batchSize{quantile=~\"0.9\"} selects no exported series",
                "panel 'label' A: label subtask_index is not on flink_a_reportP99");

        assertThat(Dashboard.selectors("rate(flink_a_x{arm=\"flink_b_y\", q=\"a\\\"}\"}[5m]) / flink_c_z"))
                .extracting(Dashboard.Selector::metric).containsExactly("flink_a_x", "flink_c_z");
        assertThat(Dashboard.groupingLabels("sum by (arm, reason) (x) and on (arm) y"))
                .containsExactly("arm", "reason");
        assertThat(Dashboard.groupingLabels("label_values(flink_a_x{job_name=~\"$job_name\"}, arm)")).containsExactly("arm");
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
