package io.dynbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import io.dynbatch.job.JobOptions;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.WebOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deployment files agree with each other and with the job (no Kubernetes here): the
 * FlinkDeployment's args are options the job accepts, its jar is where the Dockerfile puts it, the
 * password comes from the Secret through the variable the job reads, storage and upgrade mode fit
 * a savepoint upgrade, and the Flink configuration uses real, current (2.x) keys, the same values
 * locally and on Kubernetes.
 */
class DeployManifestsTest {

    static final String FLINK_CONFIG = "deploy/flink/config.yaml";
    static final String DEPLOYMENT = "deploy/k8s/flinkdeployment.yaml";
    static final String SECRET = "deploy/k8s/secret.yaml";
    static final String STORAGE = "deploy/k8s/storage.yaml";
    static final String DOCKERFILE = "deploy/docker/Dockerfile";
    static final String PROMETHEUS = "deploy/prometheus/prometheus.yml";
    static final String PROMETHEUS_KUBERNETES = "deploy/prometheus/prometheus-kubernetes.yml";

    /** Keys whose values legitimately differ between the local cluster and Kubernetes. */
    static final Set<String> ENVIRONMENT_SPECIFIC = Set.of(
            "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
            "metrics.reporter.prom.port"); // a range locally (JM + TM on one host), fixed per pod

    private final JsonNode deployment = Manifests.yaml(DEPLOYMENT);
    private final JsonNode spec = deployment.path("spec");
    private final JsonNode job = spec.path("job");

    DeployManifestsTest() throws Exception {}

    @Test
    void flinkDeploymentArgsAreOptionsTheJobAccepts() {
        List<String> args = Manifests.strings(job.path("args"));
        assertThat(args).isNotEmpty();

        JobOptions options = JobOptions.fromArgs(args.toArray(String[]::new)); // throws on unknown/invalid options
        assertThat(options.help()).isFalse();
        assertThat(options.embeddedDatabase()).as("a cluster deployment names its database (--jdbc-url)").isFalse();
        assertThat(options.jdbcUrl()).startsWith("jdbc:postgresql://");
        assertThat(options.parallelism()).as("--parallelism vs spec.job.parallelism").isEqualTo(job.path("parallelism").asInt());
        assertThat(options.shards()).isGreaterThanOrEqualTo(options.parallelism());

        // The password is never an argument (args are shown in the web UI).
        assertThat(args).noneMatch(a -> a.toLowerCase().contains("password") && !a.equals("--jdbc-password-env")
                && !a.equals(options.jdbcPasswordEnv()));
        assertThat(String.join(" ", args)).doesNotContainIgnoringCase("password=");

        // The check is real: the parser refuses what the job does not know.
        assertThatThrownBy(() -> JobOptions.fromArgs("--jdbc-url", options.jdbcUrl(), "--jdbc-password", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobJarAndEntryClassMatchTheImage() throws Exception {
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(deployment.path("kind").asText()).isEqualTo("FlinkDeployment");

        List<String> docker = Manifests.dockerfile(DOCKERFILE);
        String copy = docker.stream().filter(i -> i.startsWith("COPY ")).reduce((a, b) -> b).orElseThrow();
        String[] parts = copy.split("\\s+");
        String destination = parts[parts.length - 1];
        assertThat(destination).startsWith("/opt/flink/usrlib/");
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + destination);

        // The Dockerfile copies the shaded jar the job module builds.
        String version = System.getProperty("dynbatch.version", "0.1.0-SNAPSHOT");
        assertThat(docker).contains("ARG JOB_JAR=job/target/dynbatch-job-" + version + ".jar");
        assertThat(parts[parts.length - 2]).isEqualTo("${JOB_JAR}");

        // Its base image is the Flink version the job is built against, and the operator is told so.
        String flinkVersion = System.getProperty("dynbatch.flink.version", "2.2.1");
        assertThat(docker).anyMatch(i -> i.equals("ARG FLINK_IMAGE=flink:" + flinkVersion + "-java17"));
        String[] v = flinkVersion.split("\\.");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v" + v[0] + "_" + v[1]);

        String entryClass = job.path("entryClass").asText();
        assertThat(entryClass).isEqualTo("io.dynbatch.job.DynbatchJob");
        assertThat(Class.forName(entryClass).getMethod("main", String[].class)).isNotNull();
    }

    @Test
    void passwordComesFromTheSecretAsTheVariableTheJobReads() throws Exception {
        JobOptions options = JobOptions.fromArgs(Manifests.strings(job.path("args")).toArray(String[]::new));
        JsonNode secret = Manifests.yaml(SECRET);
        assertThat(secret.path("kind").asText()).isEqualTo("Secret");
        assertThat(secret.path("metadata").path("namespace").asText())
                .isEqualTo(deployment.path("metadata").path("namespace").asText());

        // Read by main() on the JobManager and by the writers on the TaskManagers: the variable must
        // be in the pod template both inherit (the job graph carries only its name).
        JsonNode pods = Manifests.container(spec.path("podTemplate"), "flink-main-container");
        assertThat(spec.path("jobManager").path("podTemplate").isMissingNode())
                .as("no JobManager-only pod template overriding the variable").isTrue();
        JsonNode passwordVar = null;
        for (JsonNode e : pods.path("env")) {
            if (e.path("name").asText().equals(options.jdbcPasswordEnv())) {
                passwordVar = e;
            }
        }
        assertThat(passwordVar).as("env var %s in the JobManager and TaskManager containers", options.jdbcPasswordEnv())
                .isNotNull();
        assertThat(passwordVar.has("value")).as("no literal password in the manifest").isFalse();
        JsonNode ref = passwordVar.path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
        assertThat(secret.path("stringData").has(ref.path("key").asText()))
                .as("Secret key %s", ref.path("key").asText()).isTrue();

        // The committed value is a placeholder, never a real password.
        assertThat(secret.path("stringData").path(ref.path("key").asText()).asText()).isEqualTo("CHANGE_ME");
        assertThat(Files.readString(Repo.file(DEPLOYMENT))).doesNotContain("CHANGE_ME");
    }

    @Test
    void checkpointsSavepointsAndUpgradeModeSupportSavepointUpgrades() throws Exception {
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        Map<String, String> conf = Manifests.flatStrings(spec.path("flinkConfiguration"));
        String checkpoints = conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
        String savepoints = conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY.key());
        assertThat(checkpoints).isNotBlank();
        assertThat(savepoints).isNotBlank().isNotEqualTo(checkpoints);

        // file:// storage must be a volume shared by all pods (ReadWriteMany), mounted where the config points.
        JsonNode main = Manifests.container(spec.path("podTemplate"), "flink-main-container");
        JsonNode storage = Manifests.yaml(STORAGE);
        for (String dir : List.of(checkpoints, savepoints, conf.get("high-availability.storageDir"))) {
            if (dir.startsWith("file://")) {
                String path = dir.substring("file://".length());
                JsonNode mount = null;
                for (JsonNode m : main.path("volumeMounts")) {
                    if (path.startsWith(m.path("mountPath").asText() + "/")) {
                        mount = m;
                    }
                }
                assertThat(mount).as("a volume mounted above %s", path).isNotNull();
                JsonNode volume = null;
                for (JsonNode vol : spec.path("podTemplate").path("spec").path("volumes")) {
                    if (vol.path("name").asText().equals(mount.path("name").asText())) {
                        volume = vol;
                    }
                }
                assertThat(volume).isNotNull();
                assertThat(volume.path("persistentVolumeClaim").path("claimName").asText())
                        .isEqualTo(storage.path("metadata").path("name").asText());
                assertThat(Manifests.strings(storage.path("spec").path("accessModes"))).contains("ReadWriteMany");
            }
        }
    }

    @Test
    void flinkConfigurationUsesCurrentKeysWithTheSameValuesLocallyAndOnKubernetes() throws Exception {
        Map<String, String> local = Manifests.flatStrings(Manifests.yaml(FLINK_CONFIG));
        Map<String, String> k8s = Manifests.flatStrings(spec.path("flinkConfiguration"));

        // Flink itself reads the local file (GlobalConfiguration, as the JobManager does) and the
        // operator's map; both set the current 2.x keys (not a deprecated fallback key).
        Configuration localConf = GlobalConfiguration.loadConfiguration(Repo.file(FLINK_CONFIG).getParent().toString());
        Configuration k8sConf = Configuration.fromMap(k8s);
        Map<ConfigOption<?>, Object> expected = new HashMap<>();
        expected.put(StateBackendOptions.STATE_BACKEND, "rocksdb");
        expected.put(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        expected.put(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        expected.put(WebOptions.SUBMIT_ENABLE, false);
        for (Map.Entry<ConfigOption<?>, Object> e : expected.entrySet()) {
            String key = e.getKey().key();
            assertThat(local).as("%s in %s", key, FLINK_CONFIG).containsKey(key);
            assertThat(k8s).as("%s in %s", key, DEPLOYMENT).containsKey(key);
            assertThat((Object) localConf.get(e.getKey())).as(key).isEqualTo(e.getValue());
            assertThat((Object) k8sConf.get(e.getKey())).as(key).isEqualTo(e.getValue());
        }
        for (ConfigOption<String> dir : List.of(CheckpointingOptions.CHECKPOINTS_DIRECTORY, CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
            assertThat(localConf.get(dir)).as(dir.key()).isNotBlank();
            assertThat(k8sConf.get(dir)).as(dir.key()).isNotBlank();
        }
        for (String deprecated : List.of("state.checkpoints.dir", "state.savepoints.dir", "state.backend.incremental",
                "state.backend", "restart-strategy", "execution.checkpointing.checkpoints-after-tasks-finish.enabled")) {
            assertThat(local).doesNotContainKey(deprecated);
            assertThat(k8s).doesNotContainKey(deprecated);
        }

        // Same values for every key both set, except the environment-specific ones.
        for (Map.Entry<String, String> e : k8s.entrySet()) {
            if (local.containsKey(e.getKey()) && !ENVIRONMENT_SPECIFIC.contains(e.getKey())) {
                assertThat(e.getValue()).as("%s: Kubernetes vs local config", e.getKey()).isEqualTo(local.get(e.getKey()));
            }
        }
        // Everything job-relevant locally is also set on Kubernetes.
        for (String key : local.keySet()) {
            if (key.startsWith("execution.checkpointing.") || key.startsWith("state.") || key.startsWith("restart-strategy.")
                    || key.startsWith("metrics.reporter.")) {
                assertThat(k8s).as("%s (set in %s)", key, FLINK_CONFIG).containsKey(key);
            }
        }

        // The local JVM flags are the ones the build uses for Flink on Java 17.
        String opens = System.getProperty("dynbatch.flink.jvm.opens");
        if (opens != null) {
            assertThat(localConf.get(CoreOptions.FLINK_JVM_OPTIONS)).isEqualTo(opens.strip());
        }
    }

    @Test
    void prometheusReporterIsScrapedLocallyAndOnKubernetes() throws Exception {
        Map<String, String> local = Manifests.flatStrings(Manifests.yaml(FLINK_CONFIG));
        Map<String, String> k8s = Manifests.flatStrings(spec.path("flinkConfiguration"));
        String factory = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
        assertThat(local).containsEntry("metrics.reporter.prom.factory.class", factory);
        assertThat(k8s).containsEntry("metrics.reporter.prom.factory.class", factory);

        // Locally a port range (JobManager and TaskManager on one host); the scrape config covers its start.
        Matcher range = Pattern.compile("(\\d+)-(\\d+)").matcher(local.get("metrics.reporter.prom.port"));
        assertThat(range.matches()).as("metrics.reporter.prom.port is a range").isTrue();
        JsonNode prometheus = Manifests.yaml(PROMETHEUS);
        JsonNode localJob = scrapeJob(prometheus, PROMETHEUS, "flink-local");
        // The local file loads in any Prometheus: static targets only (builds without Kubernetes
        // service discovery, e.g. Debian's, refuse a file with kubernetes_sd_configs).
        for (JsonNode job : prometheus.path("scrape_configs")) {
            job.fieldNames().forEachRemaining(field -> assertThat(field).as("local scrape config field")
                    .isIn("job_name", "static_configs", "scrape_interval", "metrics_path", "relabel_configs"));
        }
        List<String> targets = Manifests.strings(localJob.path("static_configs").get(0).path("targets"));
        int first = Integer.parseInt(range.group(1));
        assertThat(targets).contains("localhost:" + first, "localhost:" + (first + 1));

        // On Kubernetes one fixed port per pod, declared as the container port "metrics" Prometheus keeps.
        int port = Integer.parseInt(k8s.get("metrics.reporter.prom.port"));
        JsonNode main = Manifests.container(spec.path("podTemplate"), "flink-main-container");
        boolean declared = false;
        for (JsonNode p : main.path("ports")) {
            declared |= p.path("name").asText().equals("metrics") && p.path("containerPort").asInt() == port;
        }
        assertThat(declared).as("container port 'metrics' = %d", port).isTrue();
        JsonNode k8sJob = scrapeJob(Manifests.yaml(PROMETHEUS_KUBERNETES), PROMETHEUS_KUBERNETES, "flink-kubernetes");
        String relabel = k8sJob.path("relabel_configs").toString();
        assertThat(relabel).contains("__meta_kubernetes_pod_container_port_name").contains("\"regex\":\"metrics\"");
        assertThat(relabel).contains("\"regex\":\"" + deployment.path("metadata").path("name").asText() + ";");
        assertThat(Manifests.strings(k8sJob.path("kubernetes_sd_configs").get(0).path("namespaces").path("names")))
                .contains(deployment.path("metadata").path("namespace").asText());
    }

    private static JsonNode scrapeJob(JsonNode prometheus, String file, String name) {
        for (JsonNode j : prometheus.path("scrape_configs")) {
            if (name.equals(j.path("job_name").asText())) {
                return j;
            }
        }
        throw new AssertionError("no scrape job " + name + " in " + file);
    }
}
