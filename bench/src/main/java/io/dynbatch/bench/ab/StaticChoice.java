package io.dynbatch.bench.ab;

import io.dynbatch.job.ArmKind;
import io.dynbatch.job.ArmLabels;
import io.dynbatch.job.report.TableFormat;
import io.dynbatch.sim.ScenarioKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which static setting the adaptive arm is held against: per scenario, the cheapest static arm
 * (fewest transactions) that met the SLO, and the cheapest that met it in every scenario of the run,
 * each with adaptive's transactions as a ratio to it ({@code ab_static_choice.csv}). Static arms are
 * those of kind {@link ArmKind#STATIC}: {@code static} and the grid arms {@code
 * static_<size>_<delay>} (not Flink's built-in trigger).
 *
 * <p>Met the SLO: every 10-s interval met it ({@link Criterion#ALL_INTERVALS}); in the backlog
 * scenario, whose first intervals commit events already older than the SLO, the criterion the A/B
 * report states for it, recovery: the SLO held in every interval from the run's middle one (or an
 * earlier one) to its end, as the backlog is the first half of its traffic ({@link
 * Criterion#RECOVERED}; the report's "recovered" is neither "never" nor "late"). The ratio is
 * transactions over transactions (the arms of a shadow run commit the same events); in the {@code
 * ALL} row, adaptive's total over the scenarios against that setting's total. Ties in transactions
 * go to the label first in alphabetical order. Pure.
 */
final class StaticChoice {

    /** The scenario name of the row for the setting that met the SLO in every scenario. */
    static final String ALL = "ALL";

    /** How a scenario judges whether an arm met the SLO. */
    enum Criterion {
        /** Every interval's p99 within the SLO ({@code intervals_slo_met == intervals}). */
        ALL_INTERVALS("all_intervals"),
        /** Back within the SLO for good by the run's middle: every interval from there to the end met it. */
        RECOVERED("recovered"),
        /** {@link #ALL}: the arm met its scenario's criterion in every scenario. */
        EVERY_SCENARIO("every_scenario");

        final String label;

        Criterion(String label) {
            this.label = label;
        }

        /** The backlog scenario's is recovery; every other scenario's is all intervals. */
        static Criterion of(String scenario) {
            try {
                return ScenarioKind.byName(scenario) == ScenarioKind.S3_BACKLOG ? RECOVERED : ALL_INTERVALS;
            } catch (IllegalArgumentException unknownScenario) {
                return ALL_INTERVALS;
            }
        }
    }

    /**
     * One arm's outcome in one scenario.
     *
     * @param recovered whether the SLO held in every interval from the run's middle one (or an earlier
     *     one) to the end
     */
    record Outcome(String scenario, String arm, long transactions, long intervals, long intervalsMet,
            boolean recovered) {

        boolean met(Criterion criterion) {
            return criterion == Criterion.RECOVERED ? recovered : intervals > 0 && intervalsMet == intervals;
        }
    }

    /**
     * A row of the choice: the cheapest static arm that met the SLO (empty if none did) with its and
     * adaptive's transactions (null: not in the run), adaptive's ratio to it, and whether adaptive met it.
     */
    record Row(String scenario, Criterion criterion, String cheapestStatic, Long staticTransactions,
            Long adaptiveTransactions, Boolean adaptiveMet) {

        /** Adaptive's transactions over the static setting's, or null. */
        Double adaptiveRatio() {
            return staticTransactions == null || adaptiveTransactions == null || staticTransactions == 0 ? null
                    : adaptiveTransactions / (double) staticTransactions;
        }
    }

    static final TableFormat<Row> CSV = TableFormat.<Row>of()
            .column("scenario", Row::scenario)
            .column("criterion", r -> r.criterion().label)
            .column("cheapest_static_met", r -> r.cheapestStatic() == null ? "" : r.cheapestStatic())
            .column("static_transactions", r -> orEmpty(r.staticTransactions()))
            .column("adaptive_transactions", r -> orEmpty(r.adaptiveTransactions()))
            .column("adaptive_ratio", r -> r.adaptiveRatio() == null ? "" : TableFormat.decimals(r.adaptiveRatio(), 3))
            .column("adaptive_met", r -> orEmpty(r.adaptiveMet()));

    private static final String ADAPTIVE = ArmKind.ADAPTIVE.label();

    private StaticChoice() {}

    /** Whether {@code arm} is a static setting: the {@code static} arm or a static grid arm. */
    static boolean isStatic(String arm) {
        try {
            return ArmLabels.parse(arm).kind() == ArmKind.STATIC;
        } catch (IllegalArgumentException notAnArmOfTheJob) {
            return false;
        }
    }

    /** One row per scenario, in the order of {@code outcomes}, then the {@link #ALL} row. */
    static List<Row> choose(List<Outcome> outcomes) {
        Map<String, List<Outcome>> byScenario = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            byScenario.computeIfAbsent(o.scenario(), s -> new ArrayList<>()).add(o);
        }
        List<Row> rows = new ArrayList<>();
        Set<String> metEverywhere = new LinkedHashSet<>();
        outcomes.stream().map(Outcome::arm).filter(StaticChoice::isStatic).forEach(metEverywhere::add);
        Map<String, Long> staticTotals = new LinkedHashMap<>();
        long adaptiveTotal = 0;
        boolean adaptiveInEvery = !byScenario.isEmpty();
        boolean adaptiveMetEvery = true;
        for (Map.Entry<String, List<Outcome>> e : byScenario.entrySet()) {
            Criterion criterion = Criterion.of(e.getKey());
            List<Outcome> scenario = e.getValue();
            Optional<Outcome> cheapest = scenario.stream()
                    .filter(o -> isStatic(o.arm()) && o.met(criterion))
                    .min(Comparator.comparingLong(Outcome::transactions).thenComparing(Outcome::arm));
            Optional<Outcome> adaptive = scenario.stream().filter(o -> o.arm().equals(ADAPTIVE)).findFirst();
            rows.add(new Row(e.getKey(), criterion, cheapest.map(Outcome::arm).orElse(null),
                    cheapest.map(Outcome::transactions).orElse(null), adaptive.map(Outcome::transactions).orElse(null),
                    adaptive.map(o -> o.met(criterion)).orElse(null)));
            Set<String> metHere = new LinkedHashSet<>();
            for (Outcome o : scenario) {
                if (isStatic(o.arm())) {
                    staticTotals.merge(o.arm(), o.transactions(), Long::sum);
                    if (o.met(criterion)) {
                        metHere.add(o.arm());
                    }
                }
            }
            metEverywhere.retainAll(metHere);
            adaptiveInEvery &= adaptive.isPresent();
            adaptiveMetEvery &= adaptive.map(o -> o.met(criterion)).orElse(false);
            adaptiveTotal += adaptive.map(Outcome::transactions).orElse(0L);
        }
        Optional<String> cheapestEverywhere = metEverywhere.stream()
                .min(Comparator.comparingLong((String arm) -> staticTotals.get(arm)).thenComparing(arm -> arm));
        rows.add(new Row(ALL, Criterion.EVERY_SCENARIO, cheapestEverywhere.orElse(null),
                cheapestEverywhere.map(staticTotals::get).orElse(null), adaptiveInEvery ? adaptiveTotal : null,
                adaptiveInEvery ? adaptiveMetEvery : null));
        return rows;
    }

    /** The rows as the printed report shows them, under a heading that says what they mean. */
    static String printed(List<Row> rows) {
        int width = Math.max(19, rows.stream().mapToInt(r -> r.cheapestStatic() == null ? 6 : r.cheapestStatic().length())
                .max().orElse(0));
        StringBuilder sb = new StringBuilder("Cheapest static setting that met the SLO (fewest transactions; S3_backlog:"
                + " recovered, the others: every interval met; ALL: met in every scenario, totals over the scenarios)\n");
        sb.append(String.format("%-14s %-15s %-" + width + "s %12s %12s %9s %13s%n", "scenario", "criterion",
                "cheapest static", "static tx", "adaptive tx", "ratio", "adaptive met"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-14s %-15s %-" + width + "s %12s %12s %9s %13s%n", r.scenario(),
                    r.criterion().label, r.cheapestStatic() == null ? "(none)" : r.cheapestStatic(),
                    orEmpty(r.staticTransactions()), orEmpty(r.adaptiveTransactions()),
                    r.adaptiveRatio() == null ? "" : TableFormat.decimals(r.adaptiveRatio(), 3) + "x",
                    orEmpty(r.adaptiveMet())));
        }
        return sb.toString();
    }

    private static String orEmpty(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
