package io.dynbatch.sim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outcome the simulator was built to show, on the five scenarios: the adaptive policy meets the
 * SLO in every one, and how its cost compares with the static grid (over the original four, S1-S4,
 * and over all five). Runs the whole experiment once (about two
 * seconds).
 */
class MustShowTest {

    private static List<Scenario> scenarios;
    private static List<ArmResult> results;
    private static Comparison comparison;

    @BeforeAll
    static void runExperiment() {
        scenarios = Scenarios.all();
        results = Experiment.run(scenarios, Experiment.defaultArms(), 2);
        comparison = new Comparison(results);
        System.out.print(ResultTable.verdict(comparison, scenarios.size()));
    }

    private static ArmResult adaptiveIn(String scenario) {
        return results.stream()
                .filter(r -> r.scenario().equals(scenario) && r.kind().equals("adaptive"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void adaptiveMeetsTheP99SloInTheLiveScenarios() {
        for (String s : List.of("S1", "S2", "S4", "S5")) {
            ArmResult r = adaptiveIn(s);
            assertThat(r.p99Millis()).as(s + " p99").isLessThanOrEqualTo(Scenarios.SLO_MILLIS);
            assertThat(r.meetsSlo()).isTrue();
        }
    }

    @Test
    void adaptiveDrainsTheBacklogAndThenHoldsTheSlo() {
        ArmResult r = adaptiveIn("S3");
        assertThat(r.meetsSlo()).isTrue();
        assertThat(r.sloHeldFromMillis()).as("back within the SLO after").isLessThanOrEqualTo(240_000);
        // no static setting gets back within the SLO sooner by more than one 10 s bucket
        long fastestStatic = results.stream()
                .filter(x -> x.scenario().equals("S3") && x.kind().equals("static"))
                .mapToLong(ArmResult::sloHeldFromMillis)
                .min()
                .orElseThrow();
        assertThat(r.sloHeldFromMillis()).isLessThanOrEqualTo(fastestStatic + LatencyRecorder.BUCKET_MILLIS);
    }

    /** The four scenarios the design started with (S5's lag swings are the hard case for a static delay). */
    private static Comparison originalFour() {
        return comparison.only(List.of("S1", "S2", "S3", "S4"));
    }

    @Test
    void adaptiveIsCheaperThanTheCheapestStaticSettingThatMeetsTheSloEverywhere() {
        Comparison four = originalFour();
        assertThat(four.adaptive().meetsAll()).isTrue();
        assertThat(four.cheapestStaticByTransactions()).isPresent();
        // Measured: 0.77 of the transactions and 0.88 of the DB time (the issue hoped for <= 0.5; see
        // the simulator README for why a tuned static pair gets this close). Guard against regressions.
        assertThat(four.transactionRatio()).isLessThan(0.85);
        assertThat(four.dbTimeRatio()).isLessThan(0.95);
    }

    /**
     * With S5 (upstream lag swinging 0-1.5 s) only the 250 ms delays of the grid meet the SLO in all
     * five scenarios, and adaptive needs less than half their transactions and DB time (measured
     * 0.23 and 0.45 of static(50000,250ms)).
     */
    @Test
    void withTheLagSwingsAdaptiveNeedsLessThanHalfTheCostOfEveryStaticSettingThatMeetsTheSloEverywhere() {
        assertThat(comparison.adaptive().meetsAll()).isTrue();
        assertThat(comparison.cheapestStaticByTransactions().orElseThrow().arm()).endsWith(",250ms)");
        assertThat(comparison.transactionRatio()).isLessThan(0.3);
        assertThat(comparison.dbTimeRatio()).isLessThan(0.5);
    }

    /**
     * Why the "at most half" cannot be shown on S1-S4 in this model, by any policy: the clairvoyant
     * reference (knows every arrival rate, lag and write cost; flushes each shard at the last moment
     * its oldest event still makes the SLO) needs more than half the transactions of the cheapest
     * qualifying static setting, and its DB time on rows alone, which no grouping of transactions
     * saves, is more than half that setting's whole DB time. Should the model change so that the
     * target becomes reachable, this test says so.
     */
    @Test
    void halfTheCostOfTheBestStaticSettingIsOutOfReachEvenForAClairvoyantPolicy() {
        Comparison four = originalFour();
        Comparison.Totals bound = four.bound().orElseThrow();
        Comparison.Totals cheapest = four.cheapestStaticByTransactions().orElseThrow();
        Comparison.Totals cheapestDb = four.cheapestStaticByDbTime().orElseThrow();
        // measured: 0.69 and 0.55
        assertThat(bound.transactionsPer1k() / cheapest.transactionsPer1k()).isGreaterThan(0.6);
        assertThat(bound.rowDbMillisPer1k() / cheapestDb.dbMillisPer1k()).isGreaterThan(0.5);
        // adaptive, knowing none of it, comes within 1.11x of its transactions and 1.07x of its DB time
        Comparison.Totals adaptive = four.adaptive();
        assertThat(adaptive.transactionsPer1k() / bound.transactionsPer1k()).isLessThan(1.2);
        assertThat(adaptive.dbMillisPer1k() / bound.dbMillisPer1k()).isLessThan(1.15);
    }

    @Test
    void theShardsTablesMainStaticArmIsTheCheapestStaticSettingThatMeetsTheSloEverywhere() {
        // S1-S4 (S5's lag swings leave only the 250 ms delays meeting the SLO)
        assertThat(originalFour().cheapestStaticByTransactions().orElseThrow().arm())
                .isEqualTo(ShardsTable.MAIN_STATIC.name());
    }

    @Test
    void adaptiveIsOnTheParetoFrontierOfEveryScenarioButS2() {
        Map<String, List<ArmResult>> byScenario =
                results.stream().collect(Collectors.groupingBy(ArmResult::scenario));
        for (Scenario s : scenarios) {
            Map<ArmResult, Boolean> pareto = ResultTable.pareto(byScenario.get(s.name()), s.isBacklog());
            boolean onFrontier = pareto.get(adaptiveIn(s.name()));
            if (s.name().equals("S2")) {
                continue; // within 0.1% of a static point's DB time at a higher p99: reported, not asserted
            }
            assertThat(onFrontier).as(s.name()).isTrue();
        }
    }

    /**
     * The committed results (plotted by notebook 06) are what the simulator prints today: a change to
     * the policy or the model that moves them must refresh them with {@code mvn -q -pl simulator -am
     * package -DskipTests -Psim}. Numbers may differ by 1% (or 1 unit): {@code Math.exp} and friends
     * may differ in the last bit between CPUs, and a timer a millisecond off changes what follows.
     */
    @Test
    void theCommittedResultsAreCurrent(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("sim-results.csv");
        ResultTable.writeCsv(fresh, scenarios, results);
        CommittedResults.assertCurrent(fresh, "sim-results.csv");
    }

    @Test
    void writesTheCsv(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path csv = dir.resolve("out/sim-results.csv");
        ResultTable.writeCsv(csv, scenarios, results);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(1 + results.size());
        assertThat(lines.get(0)).startsWith("scenario,arm,kind,max_size,max_delay_ms");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("S3,\"adaptive\",adaptive,50000,2000,"));
    }
}
