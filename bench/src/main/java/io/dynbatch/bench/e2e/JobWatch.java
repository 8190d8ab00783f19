package io.dynbatch.bench.e2e;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches one running job until it finishes: its state from the REST API, and every {@link #PERIOD}
 * the TaskManager's Prometheus endpoint (live values, not the REST API's cached ones): records out
 * of the source, and per task busy and back-pressured time per second and records in. From that it
 * tells when the first record left the source, how fast records flowed, and which task was the
 * bottleneck: the busiest task that was itself not back-pressured and did receive records (Flink's
 * own rule for reading back pressure).
 */
final class JobWatch {

    static final Duration PERIOD = Duration.ofMillis(500);
    private static final Pattern SAMPLE = Pattern.compile(
            "^flink_taskmanager_job_task_(numRecordsOut|numRecordsIn|busyTimeMsPerSecond|backPressuredTimeMsPerSecond)\\{(.*)\\} (\\S+)$");
    private static final Pattern TASK = Pattern.compile("task_name=\"([^\"]*)\"");
    private static final Pattern CPU = Pattern.compile("^flink_taskmanager_Status_JVM_CPU_Time\\{.*\\} (\\S+)$");

    /**
     * One poll: wall time, records out of the source, the TaskManager process's CPU time so far
     * (ns, all its threads), and per task the means over its subtasks.
     */
    record Sample(long millis, double sourceOut, double cpuNanos, Map<String, double[]> tasks) {}

    /** What the watch saw. */
    record Outcome(String state, long firstRecordMillis, long finishedMillis, long sourceRecords,
            double sustainedPerSecond, double sustainedCpuNanosPerRecord, String bottleneck, double bottleneckBusy,
            List<Sample> samples) {
        double seconds() {
            return (finishedMillis - firstRecordMillis) / 1000.0;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String rest;
    private final String prometheus;

    JobWatch(String rest, String prometheus) {
        this.rest = rest;
        this.prometheus = prometheus;
    }

    Outcome watch(String jobId, long expectedRecords, Duration timeout) throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long lastLog = 0;
        JsonNode job;
        while (true) {
            job = get(rest + "/jobs/" + jobId);
            String state = job.get("state").asText();
            if (state.equals("FINISHED") || state.equals("FAILED") || state.equals("CANCELED")) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("job " + jobId + " still " + state + " after " + timeout);
            }
            Sample s = scrape();
            samples.add(s);
            if (s.millis() - lastLog > 10_000) {
                lastLog = s.millis();
                System.out.printf(Locale.ROOT, "  [e2e] %s %,.0f of %,d records out of the source%n", state,
                        s.sourceOut(), expectedRecords);
            }
            Thread.sleep(PERIOD.toMillis());
        }
        String state = job.get("state").asText();
        long finished = job.get("timestamps").get(state).asLong();
        long sourceRecords = 0;
        for (JsonNode v : job.get("vertices")) {
            if (v.get("name").asText().startsWith("Source:")) {
                sourceRecords += v.get("metrics").get("write-records").asLong();
            }
        }
        long first = firstRecordMillis(samples);
        SteadySpan steady = SteadySpan.of(samples, expectedRecords);
        return new Outcome(state, first, finished, sourceRecords, steady.recordsPerSecond(),
                steady.cpuNanosPerRecord(), bottleneck(samples), bottleneckBusy(samples), samples);
    }

    /** The JobManager's configuration value of {@code key} (e.g. the state backend). */
    String clusterConfig(String key) throws IOException, InterruptedException {
        for (JsonNode entry : get(rest + "/jobmanager/config")) {
            if (entry.get("key").asText().equals(key)) {
                return entry.get("value").asText();
            }
        }
        return "";
    }

    private Sample scrape() throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(URI.create(prometheus)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> sums = new HashMap<>(); // task -> out, in, busy, backpressured, subtasks
        double sourceOut = 0;
        double cpu = Double.NaN;
        for (String line : text.split("\n")) {
            Matcher c = CPU.matcher(line);
            if (c.matches()) {
                cpu = Double.parseDouble(c.group(1));
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Matcher t = TASK.matcher(m.group(2));
            if (!t.find()) {
                continue;
            }
            String task = t.group(1);
            double value = Double.parseDouble(m.group(3));
            double[] a = sums.computeIfAbsent(task, k -> new double[5]);
            switch (m.group(1)) {
                case "numRecordsOut" -> {
                    a[0] += value;
                    if (task.startsWith("Source:")) {
                        sourceOut += value;
                    }
                }
                case "numRecordsIn" -> a[1] += value;
                case "busyTimeMsPerSecond" -> {
                    a[2] += Double.isNaN(value) ? 0 : value;
                    a[4]++;
                }
                default -> a[3] += Double.isNaN(value) ? 0 : value;
            }
        }
        Map<String, double[]> means = new HashMap<>();
        sums.forEach((task, a) -> {
            double n = Math.max(1, a[4]);
            means.put(task, new double[] {a[0], a[1], a[2] / n, a[3] / n});
        });
        return new Sample(System.currentTimeMillis(), sourceOut, cpu, means);
    }

    /** Halfway between the last poll with no record out of the source and the first with some. */
    private static long firstRecordMillis(List<Sample> samples) {
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).sourceOut() > 0) {
                return i == 0 ? samples.get(0).millis() : (samples.get(i - 1).millis() + samples.get(i).millis()) / 2;
            }
        }
        throw new IllegalStateException("no record left the source while the job was watched");
    }

    /**
     * The steady part of a run, between the polls at 10% and at 90% of the input, with the records
     * out of the source seen by then. The counter is the highest seen so far: a finished source
     * subtask's metrics leave the endpoint.
     */
    private record SteadySpan(Sample from, double fromCount, Sample to, double toCount) {

        static SteadySpan of(List<Sample> samples, long expected) {
            Sample from = null;
            double fromCount = 0;
            Sample to = null;
            double toCount = 0;
            double seen = 0;
            for (Sample s : samples) {
                seen = Math.max(seen, s.sourceOut());
                if (from == null && seen >= 0.1 * expected) {
                    from = s;
                    fromCount = seen;
                }
                if (seen <= 0.9 * expected) {
                    to = s;
                    toCount = seen;
                }
            }
            return new SteadySpan(from, fromCount, to, toCount);
        }

        private boolean measurable() {
            return from != null && to != null && to.millis() > from.millis() && toCount > fromCount;
        }

        /** Records/s out of the source. */
        double recordsPerSecond() {
            return measurable() ? (toCount - fromCount) * 1000.0 / (to.millis() - from.millis()) : Double.NaN;
        }

        /** The TaskManager's CPU ns per record out of the source, which a shared machine moves far less than the rate. */
        double cpuNanosPerRecord() {
            return measurable() ? (to.cpuNanos() - from.cpuNanos()) / (toCount - fromCount) : Double.NaN;
        }
    }

    /** Mean busy ms/s and back-pressured ms/s per task over the polls in which the source emitted. */
    private static Map<String, double[]> meanLoad(List<Sample> samples) {
        Map<String, double[]> load = new HashMap<>();
        for (Sample s : samples) {
            if (s.sourceOut() <= 0) {
                continue;
            }
            s.tasks().forEach((task, a) -> {
                double[] l = load.computeIfAbsent(task, k -> new double[4]);
                l[0] += a[2];
                l[1] += a[3];
                l[2]++;
                l[3] = Math.max(l[3], a[1]);
            });
        }
        load.values().forEach(l -> {
            l[0] /= Math.max(1, l[2]);
            l[1] /= Math.max(1, l[2]);
        });
        return load;
    }

    private static String bottleneck(List<Sample> samples) {
        String best = "";
        double busiest = -1;
        for (Map.Entry<String, double[]> e : meanLoad(samples).entrySet()) {
            double[] l = e.getValue();
            boolean receives = l[3] > 0 || e.getKey().startsWith("Source:");
            if (receives && l[1] < 500 && l[0] > busiest) {
                busiest = l[0];
                best = e.getKey();
            }
        }
        return best;
    }

    private static double bottleneckBusy(List<Sample> samples) {
        double[] l = meanLoad(samples).get(bottleneck(samples));
        return l == null ? Double.NaN : l[0];
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }
}
