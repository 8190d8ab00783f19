package io.dynbatch.sim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sweeps (S2 by load, whole-cost degradation by factor): at every point where some static
 * setting of the grid meets the SLO, adaptive meets it too, except at the points listed in {@link
 * #EXPECTED_MISSES}; and {@code results/sim/sim-sweeps.csv} is what the simulator prints today.
 */
class SweepsTest {

    /**
     * Points where a static setting meets the SLO and adaptive does not, measured (p99 ms): the
     * subtask near saturation (events alone take 16-28% of the thread), where the utilisation floor
     * (writes within 0.7 of the thread) asks for longer cycles than the SLO allows. With one
     * transaction per shard batch the two shards also fall into step: one always writes right after
     * the other (simulator/README.md).
     */
    static final Map<String, String> EXPECTED_MISSES = Map.of(
            "group s2_load@14000", "adaptive 3053 ms; static(10000,250ms) 1933 ms at 0.183 tx/1k (adaptive 0.052)",
            "group degradation@7", "adaptive 2193 ms; static(5000,250ms) 1642 ms at 0.151 tx/1k (adaptive 0.117)",
            "shard s2_load@12000", "adaptive 2767 ms; static(10000,750ms) 1705 ms at 0.182 tx/1k (adaptive 0.110)",
            "shard degradation@7", "adaptive 2657 ms; static(5000,1000ms) 1751 ms at 0.208 tx/1k (adaptive 0.189)",
            "shard degradation@8", "adaptive 3551 ms; static(10000,750ms) 1918 ms at 0.243 tx/1k (adaptive 0.179)");

    private static List<Sweeps.Point> points;
    private static List<ArmResult> results;

    @BeforeAll
    static void runSweeps() {
        points = Sweeps.points();
        results = Sweeps.run(points, 2);
        System.out.print(Sweeps.format(points, results));
    }

    private static String key(Sweeps.Point p) {
        return p.commitLabel() + " " + p.sweep() + "@" + (long) p.x();
    }

    private static List<ArmResult> at(Sweeps.Point p) {
        return Sweeps.at(results, points.indexOf(p));
    }

    @Test
    void everyPointRunsAdaptiveAndTheStaticGridInBothCommitModes() {
        assertThat(points).hasSize(2 * (Sweeps.LOADS.length + Sweeps.DEGRADATIONS.length));
        assertThat(points).extracting(Sweeps.Point::commitLabel).containsOnly("group", "shard");
        assertThat(points.get(0).commit()).as("the job's default first").isEqualTo(Sweeps.ROUNDS);
        for (Sweeps.Point p : points) {
            assertThat(at(p)).hasSize(1 + Experiment.GRID_SIZES.length * Experiment.GRID_DELAYS.length);
            assertThat(at(p)).filteredOn(r -> r.kind().equals("adaptive")).hasSize(1);
        }
    }

    @Test
    void noPointWhereAStaticSettingMeetsTheSloAndAdaptiveDoesNotButTheExpectedMisses() {
        List<String> misses = new ArrayList<>();
        for (Sweeps.Point p : points) {
            ArmResult adaptive = at(p).stream().filter(r -> r.kind().equals("adaptive")).findFirst().orElseThrow();
            Optional<ArmResult> passingStatic =
                    at(p).stream().filter(r -> r.kind().equals("static") && r.meetsSlo()).findFirst();
            if (passingStatic.isPresent() && !adaptive.meetsSlo()) {
                misses.add(key(p));
            }
        }
        assertThat(misses).as("points where a static setting meets the SLO and adaptive does not")
                .containsExactlyInAnyOrderElementsOf(EXPECTED_MISSES.keySet());
    }

    /**
     * At each expected miss, every static setting that meets the SLO runs the subtask's thread at
     * the edge of saturation in its busiest minute (at least 90% busy, writes above adaptive's 0.7
     * writer target), which adaptive, keeping that headroom, does not do; wherever adaptive meets
     * the SLO its busiest minute is below 90%.
     */
    @Test
    void theStaticSettingsThatPassWhereAdaptiveMissesRunTheThreadAtTheEdgeOfSaturation() {
        for (Sweeps.Point p : points) {
            ArmResult adaptive = at(p).stream().filter(r -> r.kind().equals("adaptive")).findFirst().orElseThrow();
            if (adaptive.meetsSlo()) {
                assertThat(adaptive.peakBusyPercent()).as(key(p) + ": adaptive's busiest minute").isLessThan(90);
            } else if (EXPECTED_MISSES.containsKey(key(p))) {
                for (ArmResult passing : at(p).stream().filter(r -> r.kind().equals("static") && r.meetsSlo()).toList()) {
                    assertThat(passing.peakBusyPercent()).as(key(p) + " " + passing.arm() + ": thread busy")
                            .isGreaterThanOrEqualTo(90);
                    assertThat(passing.peakWritePercent()).as(key(p) + " " + passing.arm() + ": writes")
                            .isGreaterThan(70);
                }
                assertThat(adaptive.peakWritePercent()).as(key(p) + ": adaptive's writes").isLessThanOrEqualTo(70);
            }
        }
    }

    @Test
    void adaptiveMeetsTheSloWhereverTheWriterIsNotNearSaturation() {
        for (Sweeps.Point p : points) {
            boolean light = p.sweep().equals("s2_load") ? p.x() <= 10_000 : p.x() <= 6;
            if (light) {
                ArmResult adaptive = at(p).stream().filter(r -> r.kind().equals("adaptive")).findFirst().orElseThrow();
                assertThat(adaptive.p99Millis()).as(key(p)).isLessThanOrEqualTo(Scenarios.SLO_MILLIS);
            }
        }
    }

    /** As MustShowTest's check of sim-results.csv: numbers within 1% (or 1 unit), text exact. */
    @Test
    void theCommittedSweepsAreCurrent(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("sim-sweeps.csv");
        Sweeps.writeCsv(fresh, points, results);
        assertThat(Files.readAllLines(fresh).get(0)).startsWith("sweep,x,").contains(",arm,")
                .contains(",p99_ms,").contains(",slo_met,").contains(",tx_per_1k,");
        CommittedResults.assertCurrent(fresh, "sim-sweeps.csv");
    }
}
