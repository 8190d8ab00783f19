package io.dynbatch.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verdict over a set of results: per arm, whether it met the SLO in every scenario, and
 * its transactions and database time per 1k events across all scenarios together (sums over the
 * scenarios divided by all their events); the cheapest static arms that met the SLO everywhere; and
 * the adaptive arm's ratios to them.
 */
public final class Comparison {

    /** An arm's totals across all scenarios. */
    public record Totals(String arm, String kind, boolean meetsAll, int scenariosMet, long events,
            long transactions, double dbMillis, double rowDbMillis) {

        public double transactionsPer1k() {
            return transactions * 1000.0 / events;
        }

        public double dbMillisPer1k() {
            return dbMillis * 1000.0 / events;
        }

        public double rowDbMillisPer1k() {
            return rowDbMillis * 1000.0 / events;
        }
    }

    private final Map<String, Totals> totals = new LinkedHashMap<>();
    private final List<ArmResult> results;

    public Comparison(List<ArmResult> results) {
        this.results = List.copyOf(results);
        Map<String, List<ArmResult>> byArm = new LinkedHashMap<>();
        for (ArmResult r : results) {
            byArm.computeIfAbsent(r.arm(), a -> new ArrayList<>()).add(r);
        }
        byArm.forEach((arm, rs) -> {
            long events = 0;
            long tx = 0;
            double db = 0;
            double rowDb = 0;
            int met = 0;
            for (ArmResult r : rs) {
                events += r.events();
                tx += r.transactions();
                db += r.dbMillis();
                rowDb += r.rowDbMillis();
                met += r.meetsSlo() ? 1 : 0;
            }
            totals.put(arm, new Totals(arm, rs.get(0).kind(), met == rs.size(), met, events, tx, db, rowDb));
        });
    }

    /** The scenarios compared, in order of first appearance. */
    public List<String> scenarios() {
        return results.stream().map(ArmResult::scenario).distinct().toList();
    }

    /** The comparison over the results of {@code scenarios} only. */
    public Comparison only(List<String> scenarios) {
        return new Comparison(results.stream().filter(r -> scenarios.contains(r.scenario())).toList());
    }

    public Map<String, Totals> totals() {
        return totals;
    }

    public Totals adaptive() {
        return totals.values().stream().filter(t -> t.kind().equals("adaptive")).findFirst().orElseThrow();
    }

    /** The clairvoyant reference ({@link ClairvoyantArm}), if it ran. */
    public Optional<Totals> bound() {
        return totals.values().stream().filter(t -> t.kind().equals("bound")).findFirst();
    }

    /** The static arm with the fewest transactions per 1k events among those meeting the SLO everywhere. */
    public Optional<Totals> cheapestStaticByTransactions() {
        return statics(true).stream().min((a, b) -> Double.compare(a.transactionsPer1k(), b.transactionsPer1k()));
    }

    /** The static arm with the least DB time per 1k events among those meeting the SLO everywhere. */
    public Optional<Totals> cheapestStaticByDbTime() {
        return statics(true).stream().min((a, b) -> Double.compare(a.dbMillisPer1k(), b.dbMillisPer1k()));
    }

    /** The static arm meeting the SLO in the most scenarios, cheapest in DB time among those. */
    public Totals bestStatic() {
        return statics(false).stream()
                .max((a, b) -> a.scenariosMet() != b.scenariosMet()
                        ? Integer.compare(a.scenariosMet(), b.scenariosMet())
                        : Double.compare(b.dbMillisPer1k(), a.dbMillisPer1k()))
                .orElseThrow();
    }

    private List<Totals> statics(boolean meetingAll) {
        List<Totals> out = new ArrayList<>();
        for (Totals t : totals.values()) {
            if (t.kind().equals("static") && (!meetingAll || t.meetsAll())) {
                out.add(t);
            }
        }
        return out;
    }

    /** Adaptive transactions per 1k / those of the cheapest qualifying static arm (NaN if none qualifies). */
    public double transactionRatio() {
        return cheapestStaticByTransactions()
                .map(s -> adaptive().transactionsPer1k() / s.transactionsPer1k())
                .orElse(Double.NaN);
    }

    /**
     * Per scenario (in order), the transactions per 1k and DB time per 1k of the arm of kind {@code
     * kind} divided by those of the arm named {@code baseline}.
     */
    public Map<String, double[]> perScenarioRatios(String kind, String baseline) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (ArmResult a : results) {
            if (!a.kind().equals(kind)) {
                continue;
            }
            for (ArmResult s : results) {
                if (s.scenario().equals(a.scenario()) && s.arm().equals(baseline)) {
                    out.put(a.scenario(), new double[] {
                        a.transactionsPer1k() / s.transactionsPer1k(), a.dbMillisPer1k() / s.dbMillisPer1k()
                    });
                }
            }
        }
        return out;
    }

    /** Adaptive DB time per 1k / that of the cheapest qualifying static arm (NaN if none qualifies). */
    public double dbTimeRatio() {
        return cheapestStaticByDbTime().map(s -> adaptive().dbMillisPer1k() / s.dbMillisPer1k()).orElse(Double.NaN);
    }
}
