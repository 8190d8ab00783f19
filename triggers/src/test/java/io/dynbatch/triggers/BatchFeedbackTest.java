package io.dynbatch.triggers;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link BatchFeedback}: one handle per trigger, which touches window state only as that trigger needs. */
class BatchFeedbackTest {

    /** A window state that fails the test if the handle touches it at all. */
    private static final KeyedStateStore UNTOUCHABLE = (KeyedStateStore) Proxy.newProxyInstance(
            BatchFeedbackTest.class.getClassLoader(), new Class<?>[] {KeyedStateStore.class}, (proxy, method, args) -> {
                throw new AssertionError("window state touched: " + method.getName());
            });

    private static AdaptiveBatchTrigger<String, GlobalWindow> adaptive() {
        return AdaptiveBatchTrigger.of(AdaptivePolicyConfig.defaults());
    }

    @Test
    void eachTriggerHandsOutTheHandleItNeeds() {
        assertThat(BatchFeedback.of(StaticBatchTrigger.of(10, Duration.ofSeconds(1)))).isSameAs(BatchFeedback.NONE);
        BatchFeedback fixed = BatchFeedback.of(StaticBatchTrigger.of(10, Duration.ofSeconds(1)).withFlushTarget());
        assertThat(fixed.leavesTarget()).isTrue();
        assertThat(fixed).isNotEqualTo(BatchFeedback.NONE).isNotEqualTo(adaptive().withFlushTarget().feedback());
        assertThat(BatchFeedback.of(CommitRoundTrigger.of(StaticBatchTrigger.<String, GlobalWindow>of(10,
                Duration.ofSeconds(1)).withFlushTarget(), Duration.ofMillis(50)))).isEqualTo(fixed);
        assertThat(BatchFeedback.of(adaptive())).isEqualTo(adaptive().feedback()).isNotEqualTo(BatchFeedback.NONE);
        assertThat(adaptive().withFlushTarget().feedback()).isNotEqualTo(adaptive().feedback());
        assertThat(BatchFeedback.of(adaptive().withFlushTarget())).isEqualTo(adaptive().withFlushTarget().feedback());
    }

    @Test
    void noneTouchesNoState() throws Exception {
        assertThat(BatchFeedback.NONE.takeTarget(UNTOUCHABLE)).isEqualTo(FlushTarget.NONE);
        BatchFeedback.NONE.record(UNTOUCHABLE, 10, Duration.ofMillis(5));
    }

    @Test
    void withoutAFlushTargetNoTargetIsLookedFor() throws Exception {
        assertThat(adaptive().feedback().takeTarget(UNTOUCHABLE)).isEqualTo(FlushTarget.NONE);
    }

    @Test
    void survivesSerialization() throws Exception {
        BatchFeedback handle = adaptive().withFlushTarget().feedback();
        byte[] bytes = InstantiationUtil.serializeObject(handle);
        assertThat((BatchFeedback) InstantiationUtil.deserializeObject(bytes, getClass().getClassLoader()))
                .isEqualTo(handle);
    }
}
