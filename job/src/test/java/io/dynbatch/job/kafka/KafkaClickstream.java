package io.dynbatch.job.kafka;

import io.dynbatch.job.DynbatchJob;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.PostgresForTests;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.source.ClickstreamGenerator;
import io.dynbatch.job.tools.KafkaLoadGenerator;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every Kafka ITCase sets up first: a fresh topic on the in-JVM broker, a uniquely named
 * dead-letter table, the job's options for both ({@link KafkaJobRun#options} plus the test's own),
 * and the seeded generator the test plays into the topic (first event 1 s after set-up). Record
 * {@code i} goes to partition {@code i % partitions}, so the end offsets are known and the job is
 * bounded.
 */
final class KafkaClickstream {

    final String bootstrap;
    final String topic;
    final int partitions;
    final String deadLetterTable;
    final JobOptions options;
    final ClickstreamGenerator generator;
    private final String[] extraOptions;

    private KafkaClickstream(String bootstrap, String topic, int partitions, String deadLetterTable,
            String[] extraOptions) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.deadLetterTable = deadLetterTable;
        this.extraOptions = extraOptions;
        this.options = options();
        this.generator = DynbatchJob.generator(options, System.currentTimeMillis() + 1000);
    }

    /** Creates the topic with {@code partitions}; the dead-letter table is named {@code deadLetterPrefix_<random>}. */
    static KafkaClickstream create(int partitions, String deadLetterPrefix, String... extraOptions) throws Exception {
        String bootstrap = KafkaForTests.bootstrapServers();
        KafkaForTests.assertBrokerAsksNoExit();
        String topic = PostgresForTests.uniqueName("clicks");
        KafkaLoadGenerator.createTopic(bootstrap, topic, partitions);
        return new KafkaClickstream(bootstrap, topic, partitions, PostgresForTests.uniqueName(deadLetterPrefix),
                extraOptions);
    }

    /** The options with {@code more} after the test's own (they win), e.g. another parallelism. */
    JobOptions options(String... more) {
        List<String> extra = new ArrayList<>(List.of(extraOptions));
        extra.addAll(List.of(more));
        return KafkaJobRun.options(bootstrap, topic, deadLetterTable, extra.toArray(new String[0]));
    }

    /** A producer into the topic. */
    KafkaLoadGenerator producer() {
        return new KafkaLoadGenerator(bootstrap, topic, partitions);
    }

    /** The end offsets once {@code records} records are in the topic. */
    Map<TopicPartition, Long> endOffsets(long records) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), records / partitions + (p < records % partitions ? 1 : 0));
        }
        return ends;
    }

    /** Starts the job with {@link #options}, reading the topic up to the generator's last event. */
    JobClient startJob(DatabaseSettings database) throws Exception {
        return startJob(database, "hashmap");
    }

    /** The same on {@code stateBackend} ({@code hashmap} or {@code rocksdb}). */
    JobClient startJob(DatabaseSettings database, String stateBackend) throws Exception {
        return KafkaJobRun.start(options, database, endOffsets(generator.totalEvents()), null, stateBackend);
    }
}
