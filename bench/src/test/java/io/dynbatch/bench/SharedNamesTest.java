package io.dynbatch.bench;

import io.dynbatch.bench.jobwindow.JobWindowVariant;
import io.dynbatch.bench.throughput.TriggerVariant;
import io.dynbatch.job.ArmKind;
import io.dynbatch.sim.Arm;
import io.dynbatch.sim.Experiment;
import io.dynbatch.sim.ScenarioKind;
import io.dynbatch.sim.Scenarios;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job, the simulator and the benchmarks call an arm kind and a scenario by one name: the job's
 * {@link ArmKind} labels and the simulator's {@link ScenarioKind}s.
 */
class SharedNamesTest {

    private static final Set<String> JOB_ARMS = Arrays.stream(ArmKind.values()).map(ArmKind::label).collect(Collectors.toSet());

    @Test
    void simulatorArmsAreJobArmKindsOrTheClairvoyantBound() {
        for (Arm arm : Experiment.defaultArms()) {
            assertThat(arm.kind()).as(arm.name()).isIn(union(JOB_ARMS, Set.of("bound")));
        }
    }

    @Test
    void benchmarkVariantsAreNamedByTheirArmKind() {
        for (TriggerVariant v : TriggerVariant.values()) {
            assertThat(v.label()).isIn(union(JOB_ARMS, Set.of(TriggerVariant.KEYED_REDUCE)));
        }
        for (JobWindowVariant v : JobWindowVariant.values()) {
            assertThat(v.arm() == null ? v.label().equals(TriggerVariant.KEYED_REDUCE) : v.label().startsWith(v.arm().label()))
                    .as(v.label()).isTrue();
            assertThat(JobWindowVariant.byLabel(v.label())).isEqualTo(v);
        }
    }

    @Test
    void everyScenarioIsBuiltByTheSimulatorUnderItsOwnName() {
        for (ScenarioKind k : ScenarioKind.values()) {
            assertThat(Scenarios.of(k).name()).isEqualTo(k.id());
            assertThat(ScenarioKind.byName(k.abName())).isEqualTo(k);
            assertThat(ScenarioKind.byName(k.id())).isEqualTo(k);
            assertThat(Scenarios.of(k).sloMillis()).isEqualTo(ScenarioKind.SLO_MILLIS);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }
}
