package io.dynbatch.job.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/** One in-JVM KRaft Kafka broker (Kafka's own test kit) per test JVM, started on first use. */
final class KafkaForTests {

    private static KafkaClusterTestKit cluster;
    private static final java.util.Queue<IllegalStateException> EXIT_REQUESTS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private KafkaForTests() {}

    static synchronized String bootstrapServers() throws Exception {
        if (cluster == null) {
            keepKafkaFromEndingTheJvm();
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            cluster = kit;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    kit.close();
                } catch (Exception ignored) {
                    // JVM exiting
                }
            }));
        }
        return cluster.bootstrapServers();
    }

    /**
     * Kafka's broker calls {@code Exit.exit} or {@code Exit.halt} on faults it deems fatal, some of
     * them reachable while it shuts down in the JVM's shutdown hook after the last test. A halt there
     * gives the test JVM a non-zero exit code although every test passed, which Maven's failsafe
     * reports as a failed fork. In this JVM the broker may only report such a fault (on stderr, with
     * the stack, and to {@link #assertBrokerAsksNoExit}), as Kafka's own tests arrange with these hooks.
     */
    private static void keepKafkaFromEndingTheJvm() {
        Exit.setExitProcedure((code, message) -> report("exit", code, message));
        Exit.setHaltProcedure((code, message) -> report("halt", code, message));
    }

    private static void report(String what, int code, String message) {
        IllegalStateException request = new IllegalStateException("the test Kafka broker asked to " + what
                + " the JVM with status " + code + (message == null ? "" : ": " + message));
        request.printStackTrace();
        EXIT_REQUESTS.add(request);
    }

    /**
     * Fails if the broker asked to end the JVM since it started: called as each Kafka test sets up, so
     * a fatal broker fault fails the next test with its cause instead of passing unnoticed. (One that
     * happens while the broker shuts down after the last test is only printed.)
     */
    static void assertBrokerAsksNoExit() {
        IllegalStateException first = EXIT_REQUESTS.peek();
        if (first != null) {
            throw new IllegalStateException("the test Kafka broker hit a fatal fault earlier in this JVM", first);
        }
    }
}
