package io.dynbatch.job.source;

import io.dynbatch.job.Arm;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.model.RawClick;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The production source: JSON click events from a Kafka topic (flink-connector-kafka), as raw
 * records with their topic, partition and offset ({@link KafkaRawClickDeserializer}) for the
 * parse/validate step. Offsets are committed on checkpoints; the
 * consumer's extra properties (e.g. SASL/SSL settings) come from a file, so secrets never appear
 * in the job's arguments.
 */
public final class KafkaClickSource {

    private KafkaClickSource() {}

    /** An unbounded source configured from the job options. */
    public static KafkaSource<RawClick> fromOptions(JobOptions options) throws IOException {
        return builder(options).build();
    }

    /** The sources of the job's input chains, unbounded, configured from the job options. */
    public static ClickSources sources(JobOptions options) throws IOException {
        return sources(options, UnaryOperator.identity());
    }

    /**
     * The sources of the job's input chains: the shared chain's in the consumer group {@code
     * --kafka-group}, an isolated arm's in its own group ({@link #groupFor}), all on the same topic
     * from the same starting offsets; {@code finish} adds to each builder (tests: stopping offsets).
     */
    public static ClickSources sources(JobOptions options, UnaryOperator<KafkaSourceBuilder<RawClick>> finish)
            throws IOException {
        Properties extra = extraProperties(options); // read once, here: a missing file fails the job's build
        return new ClickSources() {
            @Override
            public KafkaSource<RawClick> shared() {
                return finish.apply(builder(options, options.kafkaGroup(), extra)).build();
            }

            @Override
            public KafkaSource<RawClick> forArm(Arm arm) {
                return finish.apply(builder(options, groupFor(options, arm), extra)).build();
            }
        };
    }

    /**
     * The consumer group {@code arm}'s chain reads in: {@code <kafka-group>-<arm>} when the arms are
     * isolated (each commits its own offsets, so its lag is its own), else {@code --kafka-group}.
     */
    public static String groupFor(JobOptions options, Arm arm) {
        return options.isolatesArms() ? options.kafkaGroup() + "-" + arm.label() : options.kafkaGroup();
    }

    /** The configured builder, for callers (tests) that add stopping offsets. */
    public static KafkaSourceBuilder<RawClick> builder(JobOptions options) throws IOException {
        return builder(options, options.kafkaGroup(), extraProperties(options));
    }

    private static KafkaSourceBuilder<RawClick> builder(JobOptions options, String group, Properties extra) {
        if (!options.kafkaSource()) {
            throw new IllegalArgumentException("--kafka-bootstrap is required for the Kafka source");
        }
        KafkaSourceBuilder<RawClick> b = KafkaSource.<RawClick>builder()
                .setBootstrapServers(options.kafkaBootstrap())
                .setTopics(options.kafkaTopic())
                .setGroupId(group)
                .setStartingOffsets(startingOffsets(options.kafkaStartingOffsets()))
                .setDeserializer(new KafkaRawClickDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", "dynbatch-" + group);
        if (!extra.isEmpty()) {
            b.setProperties(extra);
        }
        return b;
    }

    /** The consumer properties of {@code --kafka-properties}, none without it. */
    private static Properties extraProperties(JobOptions options) throws IOException {
        return options.kafkaPropertiesFile() == null ? new Properties() : load(Path.of(options.kafkaPropertiesFile()));
    }

    static OffsetsInitializer startingOffsets(KafkaStartingOffsets from) {
        switch (from) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IOException("cannot read --kafka-properties file " + file + ": " + e.getMessage(), e);
        }
        return p;
    }
}
