package io.dynbatch.job;

import io.dynbatch.job.options.InvalidValue;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArmLabelsTest {

    @Test
    void theNamedArmsKeepTheirLabels() {
        for (ArmKind kind : ArmKind.values()) {
            Arm arm = ArmLabels.parse(kind.label());
            assertThat(arm).isEqualTo(Arm.named(kind));
            assertThat(arm.label()).isEqualTo(kind.label());
            assertThat(arm.isGrid()).isFalse();
        }
        assertThat(ArmLabels.parse(" Adaptive ")).isEqualTo(Arm.ADAPTIVE);
        assertThat(Arm.STATIC.label()).isEqualTo("static");
    }

    @Test
    void aGridLabelIsAStaticArmWithItsOwnSetting() {
        Arm arm = ArmLabels.parse("static_5000_1500ms");
        assertThat(arm.kind()).isEqualTo(ArmKind.STATIC);
        assertThat(arm.readsBundles()).isTrue();
        assertThat(arm.grid()).isEqualTo(new Arm.Grid(5_000, Duration.ofMillis(1_500)));
        assertThat(arm.label()).isEqualTo("static_5000_1500ms");
        assertThat(ArmLabels.parse("static_20000_1800ms").grid().batchSize()).isEqualTo(20_000);
        assertThat(ArmLabels.parse("static_1_2min").grid().batchDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(ArmLabels.parse("STATIC_5000_1S")).isEqualTo(Arm.staticGrid(5_000, Duration.ofSeconds(1)));
    }

    @Test
    void gridLabelsRoundTrip() {
        for (String label : new String[] {"static_5000_1s", "static_5000_1500ms", "static_20000_1800ms",
                "static_1_1ms", "static_300_90s", "static_7_61s", "static_7_3min"}) {
            Arm arm = ArmLabels.parse(label);
            assertThat(ArmLabels.gridLabel(arm.grid().batchSize(), arm.grid().batchDelay())).isEqualTo(label);
            assertThat(Arm.staticGrid(arm.grid().batchSize(), arm.grid().batchDelay())).isEqualTo(arm);
            assertThat(label).matches("[a-z0-9_]+");
        }
    }

    @Test
    void aLabelThatDoesNotRoundTripIsRefusedWithTheLabelToWrite() {
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_1.5s")).isInstanceOf(InvalidValue.class)
                .hasMessage("arm static_5000_1.5s: the delay is part of a table name, so it takes lower-case letters"
                        + " and digits only; write static_5000_1500ms");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_0.25min")).hasMessageEndingWith("write static_5000_15s");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_1000ms"))
                .hasMessageStartingWith("arm static_5000_1000ms: write the same setting as static_5000_1s");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_60s")).hasMessageContaining("static_5000_1min");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_1500")).as("no unit: ms, written out")
                .hasMessageContaining("static_5000_1500ms");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_2sec")).hasMessageContaining("static_5000_2s");
        assertThatThrownBy(() -> ArmLabels.parse("static_05000_1s")).hasMessageContaining("leading zeros");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_1.5us")).hasMessageContaining("letters and digits only")
                .hasMessageNotContaining("write static");
    }

    @Test
    void malformedGridLabelsAreRefused() {
        assertThatThrownBy(() -> ArmLabels.parse("static_5000")).hasMessageContaining("static_<size>_<delay>");
        assertThatThrownBy(() -> ArmLabels.parse("static_0_1s")).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> ArmLabels.parse("static_x_1s")).hasMessageContaining("whole number of events");
        assertThatThrownBy(() -> ArmLabels.parse("static_99999999999999999999_1s")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_0ms")).hasMessageContaining("> 0");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_1s_x")).hasMessageContaining("letters and digits only");
        assertThatThrownBy(() -> ArmLabels.parse("static_5000_1500micros")).hasMessageContaining("whole milliseconds");
        assertThatThrownBy(() -> ArmLabels.parse("fancy")).hasMessageStartingWith("unknown arm 'fancy'");
    }

    @Test
    void listsKeepTheirOrderAndRefuseDuplicatesAndBlanks() {
        assertThat(ArmLabels.parseList("tumbling_1min,builtin,static_5000_1s,static_5000_1500ms,static_20000_1800ms,"
                + "adaptive")).extracting(Arm::label).containsExactly("tumbling_1min", "builtin", "static_5000_1s",
                        "static_5000_1500ms", "static_20000_1800ms", "adaptive");
        assertThat(ArmLabels.parseList("static,static_5000_1s")).as("the same setting, two arms")
                .containsExactly(Arm.STATIC, Arm.staticGrid(5_000, Duration.ofSeconds(1)));
        assertThatThrownBy(() -> ArmLabels.parseList("adaptive, adaptive")).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> ArmLabels.parseList("adaptive,")).hasMessageContaining("empty arm");
    }

    @Test
    void anArmsLabelMatchesItsKindAndSetting() {
        assertThatThrownBy(() -> new Arm(ArmKind.STATIC, "static_1_1s", new Arm.Grid(2, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Arm(ArmKind.ADAPTIVE, "static_1_1s", new Arm.Grid(1, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Arm(ArmKind.ADAPTIVE, "fast", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
