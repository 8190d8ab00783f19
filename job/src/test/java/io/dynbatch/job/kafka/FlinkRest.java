package io.dynbatch.job.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads job facts from the MiniCluster's REST API, as the Flink web UI does. */
final class FlinkRest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI base;

    FlinkRest(MiniCluster cluster) throws Exception {
        this.base = cluster.getRestAddress().get();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    long completedCheckpoints(JobID job) throws Exception {
        return get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong(0);
    }

    long failedCheckpoints(JobID job) throws Exception {
        return get("/jobs/" + job + "/checkpoints").path("counts").path("failed").asLong(0);
    }

    /** The job's exception history, newest first: one stack trace per failure. */
    java.util.List<String> exceptions(JobID job) throws Exception {
        java.util.List<String> traces = new java.util.ArrayList<>();
        for (JsonNode e : get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries")) {
            traces.add(e.path("stacktrace").asText());
        }
        return traces;
    }

    /** The ids of the TaskManagers registered now. */
    java.util.Set<String> taskManagers() throws Exception {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    /** Checkpoints triggered so far (completed, failed and in progress). */
    long triggeredCheckpoints(JobID job) throws Exception {
        return get("/jobs/" + job + "/checkpoints").path("counts").path("total").asLong(0);
    }

    /** The job's state, e.g. {@code FINISHED}. */
    String jobState(JobID job) throws Exception {
        return get("/jobs/" + job).path("state").asText();
    }

    /** Task failures the job has seen (its exception history, as the web UI's Exceptions tab shows it). */
    long taskFailures(JobID job) throws Exception {
        return get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size();
    }
}
