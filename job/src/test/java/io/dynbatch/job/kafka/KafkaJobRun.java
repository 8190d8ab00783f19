package io.dynbatch.job.kafka;

import io.dynbatch.job.ClickstreamPipeline;
import io.dynbatch.job.JobOptions;
import io.dynbatch.job.PipelineSinks;
import io.dynbatch.job.model.BatchReceipt;
import io.dynbatch.job.model.DeadLetter;
import io.dynbatch.job.sink.DatabaseSchema;
import io.dynbatch.job.sink.DatabaseSettings;
import io.dynbatch.job.sink.DeadLetterTable;
import io.dynbatch.job.source.KafkaClickSource;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;

/** Starts the job on the test MiniCluster, reading a topic up to known end offsets (so it ends). */
final class KafkaJobRun {

    private KafkaJobRun() {}

    /** End offsets when record {@code i} of {@code records} went to partition {@code i % partitions}. */
    static Map<TopicPartition, Long> endOffsets(String topic, int partitions, long records) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), records / partitions + (p < records % partitions ? 1 : 0));
        }
        return ends;
    }

    static JobClient start(JobOptions options, DatabaseSettings database, Map<TopicPartition, Long> endOffsets)
            throws Exception {
        DatabaseSchema.ensure(database, options.deadLetterTable);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(options.parallelism);
        env.setMaxParallelism(options.maxParallelism);
        env.enableCheckpointing(1000);
        KafkaSource<String> source = KafkaClickSource.builder(options)
                .setBounded(OffsetsInitializer.offsets(endOffsets))
                .build();
        ClickstreamPipeline.defineWorkflow(env, source, options.parallelism, options, database, new PipelineSinks() {
            @Override
            public void receipts(DataStream<BatchReceipt> receipts) {
                receipts.sinkTo(new DiscardingSink<>()).name("receipts");
            }

            @Override
            public void deadLetters(DataStream<DeadLetter> deadLetters) {
                deadLetters.sinkTo(new DeadLetterTable(options.deadLetterTable).sink(database.connectionOptions()))
                        .name("dead-letters");
            }
        });
        return env.executeAsync("kafka-it");
    }
}
