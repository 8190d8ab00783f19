package io.dynbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;

/** Plain HTTP GETs against the Flink REST API (the one the web UI uses) and Prometheus endpoints. */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String base;

    FlinkRest(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        String body = text(base + path);
        return JSON.readTree(body);
    }

    /** GET of any URL; fails on a non-200 answer. */
    String text(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    /** The job vertex whose name starts with {@code prefix}. */
    JsonNode vertex(String jobId, String prefix) throws IOException, InterruptedException {
        for (JsonNode v : job(jobId).path("vertices")) {
            if (v.path("name").asText().startsWith(prefix)) {
                return v;
            }
        }
        throw new IOException("no vertex named " + prefix + "... in job " + jobId);
    }

    /** Metric ids available on a vertex, aggregated over its subtasks (as the web UI's metrics tab). */
    JsonNode subtaskMetricIds(String jobId, String vertexId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics");
    }

    /** Sum over subtasks of each metric id. */
    JsonNode subtaskMetricSums(String jobId, String vertexId, Collection<String> ids) throws IOException, InterruptedException {
        String get = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
        return get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?agg=sum&get=" + get);
    }
}
