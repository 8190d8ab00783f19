package io.dynbatch.triggers.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AdaptivePolicyConfig}: validation, defaults and copies. */
class AdaptivePolicyConfigTest {

    @Test
    void configRejectsBadValuesWhenBuilt() {
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().maxSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSize");
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().slo(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().slo(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().maxDelay(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder()
                        .slo(Duration.ofMillis(100))
                        .safetyMargin(Duration.ofMillis(100))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("safetyMargin");
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().targetUtilisation(1.5).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().costForgetting(1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdaptivePolicyConfig.builder().maxPendingBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configDefaultsAndCopy() {
        AdaptivePolicyConfig c = AdaptivePolicyConfig.withSlo(Duration.ofSeconds(5));
        assertThat(c.sloMillis()).isEqualTo(5_000);
        assertThat(c.maxDelayMillis()).isEqualTo(5_000);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(AdaptivePolicyConfig.defaults().sloMillis()).isEqualTo(2_000);
    }
}
