package io.dynbatch.job.source;

import io.dynbatch.job.Arm;
import io.dynbatch.job.model.RawClick;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.util.InstantiationUtil;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Where the job's input chains read the clickstream: the one source of a shared chain, or a source
 * of its own for each isolated arm. Every source this hands out is a new instance, and every arm's
 * source reads the same records from the same start as the others' (the same seeded generator;
 * the same topic and starting offsets under the arm's own Kafka consumer group), so the arms see
 * the same input while none of them can hold another back.
 */
public interface ClickSources {

    /** The source of the chain every arm reads (shared chain, one arm, split or off mode). */
    Source<RawClick, ?, ?> shared();

    /** A new source of {@code arm}'s own input chain (isolated arms). */
    Source<RawClick, ?, ?> forArm(Arm arm);

    /**
     * Sources that need nothing per arm (the generator: deterministic, its position checkpointed per
     * source operator): every chain reads a new instance from {@code factory}.
     */
    static ClickSources of(Supplier<? extends Source<RawClick, ?, ?>> factory) {
        return new ClickSources() {
            @Override
            public Source<RawClick, ?, ?> shared() {
                return factory.get();
            }

            @Override
            public Source<RawClick, ?, ?> forArm(Arm arm) {
                return factory.get();
            }
        };
    }

    /**
     * {@code source} for the shared chain, and copies of it (serialized and read back, so each arm
     * has its own instance) for isolated arms. For sources whose copies read independently, like the
     * generator; copies of a Kafka source would share its consumer group, so an arm's copy of one is
     * refused ({@link KafkaClickSource#sources} makes one per arm).
     */
    static ClickSources copiesOf(Source<RawClick, ?, ?> source) {
        return new ClickSources() {
            @Override
            public Source<RawClick, ?, ?> shared() {
                return source;
            }

            @Override
            public Source<RawClick, ?, ?> forArm(Arm arm) {
                if (source instanceof KafkaSource<?>) {
                    throw new IllegalArgumentException("isolated arms need one Kafka source per arm, each with its"
                            + " own consumer group: pass KafkaClickSource.sources(...), not one KafkaSource");
                }
                return copy(source);
            }
        };
    }

    private static Source<RawClick, ?, ?> copy(Source<RawClick, ?, ?> source) {
        try {
            return InstantiationUtil.clone(source, source.getClass().getClassLoader());
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot copy the source " + source + ": " + e.getMessage(), e);
        }
    }
}
