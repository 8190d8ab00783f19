package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;
import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.DecayedRate;
import io.dynbatch.triggers.policy.FlushDecider;
import io.dynbatch.triggers.policy.FlushDecision;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import java.util.function.LongSupplier;

/**
 * The adaptive policy driven exactly as {@code AdaptiveBatchTrigger} drives it, through the same
 * decision step ({@link FlushDecider}): re-plan on every arrival, flush at the planned size or when
 * the deadline has passed, otherwise keep one timer at the planned deadline and move it when the
 * plan moves by at least the timer tolerance; the sink's
 * measured cost (with group commit: its share of the transaction's write time, and the whole
 * transaction's time) reaches the policy at the shard's next call after the commit (as feedback through
 * window state does in Flink); the subtask's writer load is an operator-local estimate fed by every
 * shard's feedback. No jitter (the shards' batches start at independent times anyway).
 *
 * @param config the policy settings under test
 */
public record AdaptiveArm(AdaptivePolicyConfig config) implements Arm {

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public String kind() {
        return "adaptive";
    }

    @Override
    public long maxSize() {
        return config.maxSize();
    }

    @Override
    public long maxDelayMillis() {
        return config.maxDelayMillis();
    }

    @Override
    public Run start(Scenario scenario, LongSupplier clock) {
        return new AdaptiveRun(config, scenario.shards(), clock);
    }

    private static final class AdaptiveRun implements Run {
        private final AdaptivePolicyConfig config;
        private final LongSupplier clock;
        private final AdaptivePolicy policy;
        private final FlushDecider decider;
        private final DecayedRate writerLoad;
        private final KeyLearning[] learning;
        private final long[] flushAtSize;
        private final long[] feedbackSize;
        private final double[] feedbackMillis;
        private final double[] feedbackTransactionMillis;

        AdaptiveRun(AdaptivePolicyConfig config, int shards, LongSupplier clock) {
            this.config = config;
            this.clock = clock;
            this.policy = new AdaptivePolicy(config, clock);
            this.decider = new FlushDecider(policy);
            this.writerLoad = policy.newWriterLoad();
            this.learning = new KeyLearning[shards];
            this.flushAtSize = new long[shards];
            this.feedbackSize = new long[shards];
            this.feedbackMillis = new double[shards];
            this.feedbackTransactionMillis = new double[shards];
            for (int s = 0; s < shards; s++) {
                learning[s] = policy.newKeyLearning();
                flushAtSize[s] = config.maxSize();
                feedbackSize[s] = -1;
            }
        }

        /** Folds in the feedback of the shard's last commit, as the trigger does at its next call. */
        private KeyLearning learning(int shard) {
            KeyLearning k = learning[shard];
            if (feedbackSize[shard] >= 0) {
                policy.onWriteAt(k, feedbackSize[shard], feedbackMillis[shard], feedbackTransactionMillis[shard],
                        clock.getAsLong());
                writerLoad.add(feedbackMillis[shard], clock.getAsLong());
                feedbackSize[shard] = -1;
            }
            return k;
        }

        @Override
        public long room(int shard, SimBatch batch) {
            return Math.max(1, flushAtSize[shard] - batch.count());
        }

        @Override
        public FlushReason afterAdd(int shard, SimBatch batch, long added, long ingestMillis) {
            long now = clock.getAsLong();
            KeyLearning k = learning(shard);
            PendingBatch b = batch.state();
            FlushDecision d = decider.afterAdd(k, b, added, ingestMillis, writerLoad.perMilli(now), 0, now);
            flushAtSize[shard] = d.plan().flushAtSize();
            if (d.action() == FlushDecision.Action.ARM) {
                b.setTimer(d.timerMillis(), d.bound());
            }
            return reason(d);
        }

        @Override
        public FlushReason onTimer(int shard, SimBatch batch) {
            return reason(decider.onTimer(learning(shard), batch.state(), clock.getAsLong()));
        }

        private static FlushReason reason(FlushDecision d) {
            return d.flushes() ? d.reason() : null;
        }

        @Override
        public void onCommitted(int shard, long size, double writeMillis) {
            onCommitted(shard, size, writeMillis, writeMillis);
        }

        @Override
        public void onCommitted(int shard, long size, double writeMillis, double transactionMillis) {
            feedbackSize[shard] = size;
            feedbackMillis[shard] = writeMillis;
            feedbackTransactionMillis[shard] = transactionMillis;
        }
    }
}
