package io.dynbatch.sim;

import java.nio.file.Path;
import java.util.List;

/**
 * Command-line entry: runs the adaptive policy and the static grid on S1-S4, prints the tables and
 * the verdict, and writes the CSV; then the out-of-sample {@link Sensitivity} check, written to
 * {@code sim-sensitivity.csv} next to it.
 *
 * <p>Usage: {@code SimMain [csv-path]} (default {@code results/sim/sim-results.csv}, relative to the repository root).
 */
public final class SimMain {

    private SimMain() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "results/sim/sim-results.csv").toAbsolutePath().normalize();
        List<Scenario> scenarios = Scenarios.all();
        long start = System.nanoTime();
        List<ArmResult> results = Experiment.run(
                scenarios, Experiment.defaultArms(), Runtime.getRuntime().availableProcessors());
        System.out.print(ResultTable.format(scenarios, results));
        ResultTable.writeCsv(out, scenarios, results);

        List<Scenario> variants = Sensitivity.scenarios();
        List<ArmResult> variantResults = Experiment.run(
                variants, Experiment.defaultArms(), Runtime.getRuntime().availableProcessors());
        System.out.print(Sensitivity.format(variants, variantResults,
                new Comparison(results).cheapestStaticByTransactions().map(Comparison.Totals::arm)));
        Path sensitivityCsv = out.resolveSibling("sim-sensitivity.csv");
        ResultTable.writeCsv(sensitivityCsv, variants, variantResults);

        System.out.printf("%nwrote %s (%d rows) and %s (%d rows) in %.1f s%n", out.toAbsolutePath(), results.size(),
                sensitivityCsv.toAbsolutePath(), variantResults.size(), (System.nanoTime() - start) / 1e9);
    }
}
