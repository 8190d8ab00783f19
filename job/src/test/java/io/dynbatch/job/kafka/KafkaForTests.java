package io.dynbatch.job.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One in-JVM KRaft Kafka broker (Kafka's own test kit) per test JVM, started on first use. */
final class KafkaForTests {

    private static KafkaClusterTestKit cluster;

    private KafkaForTests() {}

    static synchronized String bootstrapServers() throws Exception {
        if (cluster == null) {
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
}
