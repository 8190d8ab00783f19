package io.dynbatch.job.source;

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

/**
 * The production source: JSON click events from a Kafka topic (flink-connector-kafka), as raw
 * records with their topic, partition and offset ({@link KafkaRawClickDeserializer}) for the shared
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

    /** The configured builder, for callers (tests) that add stopping offsets. */
    public static KafkaSourceBuilder<RawClick> builder(JobOptions options) throws IOException {
        if (!options.kafkaSource()) {
            throw new IllegalArgumentException("--kafka-bootstrap is required for the Kafka source");
        }
        KafkaSourceBuilder<RawClick> b = KafkaSource.<RawClick>builder()
                .setBootstrapServers(options.kafkaBootstrap())
                .setTopics(options.kafkaTopic())
                .setGroupId(options.kafkaGroup())
                .setStartingOffsets(startingOffsets(options.kafkaStartingOffsets()))
                .setDeserializer(new KafkaRawClickDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", "dynbatch-" + options.kafkaGroup());
        if (options.kafkaPropertiesFile() != null) {
            b.setProperties(load(Path.of(options.kafkaPropertiesFile())));
        }
        return b;
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
