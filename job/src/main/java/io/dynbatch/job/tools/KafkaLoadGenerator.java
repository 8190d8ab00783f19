package io.dynbatch.job.tools;

import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.source.EventSchedule;
import io.dynbatch.job.source.TrafficProfile;

import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * Produces the seeded clickstream to a Kafka topic in real time, following the traffic profile
 * (trough, 10x peak, bursts), with a progress line every 2 s. The {@code r}-th record sent (counting
 * from 0, events and any extra records alike) goes to partition {@code r % partitions}, so a test
 * knows every partition's end offset in advance. Creates the topic if absent; waits for every send
 * and fails loudly if any failed.
 */
public final class KafkaLoadGenerator implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final int partitions;
    private final AtomicLong acked = new AtomicLong();
    private long sent;
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    public KafkaLoadGenerator(String bootstrap, String topic, int partitions) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.partitions = partitions;
    }

    /** Creates the topic with {@code partitions} partitions (if absent) and waits until it is usable. */
    /**
     * Whether the broker knows {@code topic} and every partition of it has a leader. Right after the
     * topic is created the broker may not know it yet (UnknownTopicOrPartitionException): not yet.
     */
    private static boolean everyPartitionHasALeader(Admin admin, String topic) throws Exception {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            return description.partitions().stream().allMatch(pi -> pi.leader() != null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    public static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) { // wait until every partition has a leader
                if (everyPartitionHasALeader(admin, topic)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has partitions without a leader");
                }
                Thread.sleep(50); // poll interval while the topic's leaders are elected
            }
        }
    }

    /**
     * Sends the next record, to partition {@code (records sent before) % partitions}; from one thread
     * at a time. Asynchronous; see {@link #flushAndCheck}.
     */
    public void send(String json) {
        sendBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the next record's value as it is (any bytes; null: a record without a value), like
     * {@link #send(String)}.
     */
    public void sendBytes(byte[] value) {
        int partition = (int) (sent++ % partitions);
        producer.send(new ProducerRecord<>(topic, partition, null, value), (meta, error) -> {
            if (error != null) {
                firstError.compareAndSet(null, error);
            } else {
                acked.incrementAndGet();
            }
        });
    }

    /** Waits for every send so far and throws if any failed. */
    public void flushAndCheck() {
        producer.flush();
        if (firstError.get() != null) {
            throw new IllegalStateException("a Kafka send failed", firstError.get());
        }
    }

    public long acked() {
        return acked.get();
    }

    /** Sends every event of {@code generator} at its due time, printing progress. */
    public void play(ClickstreamGenerator generator, boolean printProgress) throws InterruptedException {
        play(generator, printProgress, index -> List.of());
    }

    /**
     * Sends every event of {@code generator} at its due time and, right after event {@code i}, the
     * records {@code extraAfter.apply(i)} (e.g. bad records a test interleaves), printing progress.
     */
    public void play(ClickstreamGenerator generator, boolean printProgress, LongFunction<List<String>> extraAfter)
            throws InterruptedException {
        playWithRawExtras(generator, printProgress, i -> extraAfter.apply(i).stream()
                .map(json -> json.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** Like {@link #play(ClickstreamGenerator, boolean, LongFunction)}, the extra records given as raw values. */
    public void playWithRawExtras(ClickstreamGenerator generator, boolean printProgress,
            LongFunction<List<byte[]>> extraAfter) throws InterruptedException {
        long lastPrint = System.currentTimeMillis();
        for (long i = 0; i < generator.totalEvents(); i++) {
            long wait = generator.dueAt(i) - System.currentTimeMillis();
            if (wait > 1) {
                Thread.sleep(wait); // pacing the producer to the traffic profile, not waiting for a result
            }
            send(generator.json(i));
            extraAfter.apply(i).forEach(this::sendBytes);
            long now = System.currentTimeMillis();
            if (printProgress && now - lastPrint >= 2_000) {
                lastPrint = now;
                System.out.printf("[%5.0fs] sent %,d / %,d events, acknowledged %,d%n",
                        (now - generator.startMillis()) / 1000.0, i + 1, generator.totalEvents(), acked());
            }
        }
        flushAndCheck();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        if (p.has("help") || !p.has("kafka-bootstrap")) {
            System.out.println("Usage: KafkaLoadGenerator --kafka-bootstrap HOSTS [--kafka-topic clicks] [--partitions 4]\n"
                    + "  [--events 600000] [--duration 90s] [--bursts 4] [--peak-to-trough 10] [--pages 500] [--seed 42]");
            System.exit(p.has("help") ? 0 : 2);
        }
        String bootstrap = p.get("kafka-bootstrap");
        String topic = p.get("kafka-topic", "clicks");
        int partitions = p.getInt("partitions", 4);
        long events = p.getLong("events", 600_000);
        Duration duration = TimeUtils.parseDuration(p.get("duration", "90s"));
        long seed = p.getLong("seed", 42);
        TrafficProfile profile = TrafficProfile.of(duration, p.getDouble("peak-to-trough", 10.0), p.getInt("bursts", 4),
                3.0, seed);
        ClickstreamGenerator generator = new ClickstreamGenerator(new EventSchedule(profile, events),
                System.currentTimeMillis() + 1000, seed, p.getInt("pages", 500));
        createTopic(bootstrap, topic, partitions);
        System.out.printf("Producing %,d events over %s to %s/%s (%d partitions)%n", events, duration, bootstrap, topic,
                partitions);
        try (KafkaLoadGenerator load = new KafkaLoadGenerator(bootstrap, topic, partitions)) {
            load.play(generator, true);
            System.out.printf("Done: %,d events acknowledged%n", load.acked());
        }
    }
}
