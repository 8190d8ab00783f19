package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;
import io.dynbatch.triggers.policy.AdaptivePolicy;
import io.dynbatch.triggers.policy.AdaptivePolicyConfig;
import io.dynbatch.triggers.policy.DecayedRate;
import io.dynbatch.triggers.policy.FlushPlan;
import io.dynbatch.triggers.policy.KeyLearning;
import io.dynbatch.triggers.policy.PendingBatch;

import java.util.function.LongSupplier;

/**
 * The adaptive policy driven exactly as {@code AdaptiveBatchTrigger} drives it: re-plan on every
 * arrival, flush on the size cap or when the deadline has passed, otherwise keep one timer at the
 * planned deadline and move it when the plan moves by at least the timer tolerance; the sink's
 * measured cost reaches the policy at the shard's next call after the commit (as feedback through
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
        private final DecayedRate writerLoad;
        private final KeyLearning[] learning;
        private final long[] flushAtSize;
        private final long[] feedbackSize;
        private final double[] feedbackMillis;

        AdaptiveRun(AdaptivePolicyConfig config, int shards, LongSupplier clock) {
            this.config = config;
            this.clock = clock;
            this.policy = new AdaptivePolicy(config, clock);
            this.writerLoad = policy.newWriterLoad();
            this.learning = new KeyLearning[shards];
            this.flushAtSize = new long[shards];
            this.feedbackSize = new long[shards];
            this.feedbackMillis = new double[shards];
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
                policy.onWrite(k, feedbackSize[shard], feedbackMillis[shard]);
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
            policy.onArrival(k, added, ingestMillis);
            PendingBatch b = batch.state();
            FlushPlan plan = policy.plan(k, b, writerLoad.perMilli(now));
            flushAtSize[shard] = plan.flushAtSize();
            if (b.count() >= plan.flushAtSize()) {
                policy.onFlush(k);
                return FlushReason.SIZE;
            }
            long due = plan.deadlineMillis();
            if (due <= now) {
                if (b.hasTimer() && now > b.timerMillis()) {
                    policy.onTimerLag(k, now - b.timerMillis()); // the timer was due while the thread was busy
                }
                policy.onFlush(k);
                return plan.bound().isHardCap() ? FlushReason.TIME : FlushReason.ADAPTIVE;
            }
            if (!b.hasTimer() || Math.abs(due - b.timerMillis()) >= config.timerToleranceMillis()) {
                b.setTimer(due, plan.bound());
            }
            return null;
        }

        @Override
        public FlushReason onTimer(int shard, SimBatch batch) {
            KeyLearning k = learning(shard);
            policy.onTimerLag(k, clock.getAsLong() - batch.state().timerMillis());
            policy.onFlush(k);
            return batch.state().timerBound().isHardCap() ? FlushReason.TIME : FlushReason.ADAPTIVE;
        }

        @Override
        public void onCommitted(int shard, long size, double writeMillis) {
            feedbackSize[shard] = size;
            feedbackMillis[shard] = writeMillis;
        }
    }
}
