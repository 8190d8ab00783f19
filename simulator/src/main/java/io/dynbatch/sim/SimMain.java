package io.dynbatch.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Command-line entry: runs the adaptive policy and the static grid on S1-S5, prints the tables and
 * the verdict, and writes the CSV; then the out-of-sample {@link Sensitivity} check, written to
 * {@code sim-sensitivity.csv} next to it, and the {@link Sweeps}, to {@code sim-sweeps.csv}.
 *
 * <p>Usage: {@code SimMain [csv-path]} (default {@code results/sim/sim-results.csv}, relative to the repository root).
 */
public final class SimMain {

    /** The scenarios the static setting re-run by the sensitivity check is chosen on. */
    static final List<String> ORIGINAL = Stream.of(ScenarioKind.S1_DIURNAL, ScenarioKind.S2_SLOW_SINK,
            ScenarioKind.S3_BACKLOG, ScenarioKind.S4_KEY_SKEW).map(ScenarioKind::id).toList();

    private SimMain() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "results/sim/sim-results.csv").toAbsolutePath().normalize();
        List<Scenario> scenarios = Scenarios.all();
        long start = System.nanoTime();
        List<ArmResult> results = Experiment.run(
                scenarios, Experiment.defaultArms(), Runtime.getRuntime().availableProcessors());
        System.out.print(ResultTable.format(scenarios, results));
        Comparison original = new Comparison(results).only(ORIGINAL);
        System.out.printf("%nThe original four alone (the static setting below is the one the sensitivity re-runs):");
        System.out.print(ResultTable.verdict(original, ORIGINAL.size()));
        ResultTable.writeCsv(out, scenarios, results);

        List<Scenario> variants = Sensitivity.scenarios();
        List<ArmResult> variantResults = Experiment.run(
                variants, Experiment.defaultArms(), Runtime.getRuntime().availableProcessors());
        System.out.print(Sensitivity.format(variants, variantResults,
                original.cheapestStaticByTransactions().map(Comparison.Totals::arm)));
        Path sensitivityCsv = out.resolveSibling("sim-sensitivity.csv");
        ResultTable.writeCsv(sensitivityCsv, variants, variantResults);

        List<Sweeps.Point> points = Sweeps.points();
        List<ArmResult> sweepResults = Sweeps.run(points, Runtime.getRuntime().availableProcessors());
        System.out.print(Sweeps.format(points, sweepResults));
        Path sweepsCsv = out.resolveSibling("sim-sweeps.csv");
        Sweeps.writeCsv(sweepsCsv, points, sweepResults);

        System.out.printf("%nwrote %s (%d rows), %s (%d rows) and %s (%d rows) in %.1f s%n", out.toAbsolutePath(),
                results.size(), sensitivityCsv.toAbsolutePath(), variantResults.size(), sweepsCsv.toAbsolutePath(),
                sweepResults.size(), (System.nanoTime() - start) / 1e9);
    }
}
