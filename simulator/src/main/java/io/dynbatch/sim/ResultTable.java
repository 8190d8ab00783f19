package io.dynbatch.sim;

import io.dynbatch.triggers.FlushReason;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;

/**
 * Formats results: a text table per scenario (with the Pareto frontier of latency vs database time
 * marked), the verdict across scenarios, and a CSV with one row per scenario and arm.
 */
public final class ResultTable {

    /*
     * The flush columns keep their grouping from before the reasons were told apart, so that the
     * committed result files stay comparable: size = the size and memory caps, time = the hard caps
     * (maxDelay, the backlog drain's maxDelay), adaptive = the policy's own deadlines (latency,
     * utilisation; the clairvoyant arm's latency deadline).
     */
    static final Set<FlushReason> SIZE_COLUMN = EnumSet.of(FlushReason.SIZE, FlushReason.MEMORY_CAP);
    static final Set<FlushReason> TIME_COLUMN = EnumSet.of(FlushReason.MAX_DELAY, FlushReason.BACKLOG);
    static final Set<FlushReason> ADAPTIVE_COLUMN = EnumSet.of(FlushReason.LATENCY, FlushReason.UTILISATION);

    private ResultTable() {}

    /**
     * Arms not dominated in (latency, DB time per 1k) within their scenario; latency is the p99, or
     * for a backlog scenario the time until the SLO held again. The clairvoyant reference (kind
     * {@code bound}) is not an option one could deploy: it is never marked and dominates nobody.
     */
    static Map<ArmResult, Boolean> pareto(List<ArmResult> scenarioResults, boolean backlog) {
        Map<ArmResult, Boolean> out = new LinkedHashMap<>();
        for (ArmResult a : scenarioResults) {
            if (isReference(a)) {
                out.put(a, false);
                continue;
            }
            boolean dominated = false;
            for (ArmResult b : scenarioResults) {
                if (a == b || isReference(b)) {
                    continue;
                }
                double la = backlog ? a.sloHeldFromMillis() : a.p99Millis();
                double lb = backlog ? b.sloHeldFromMillis() : b.p99Millis();
                if (lb <= la && b.dbMillisPer1k() <= a.dbMillisPer1k()
                        && (lb < la || b.dbMillisPer1k() < a.dbMillisPer1k())) {
                    dominated = true;
                    break;
                }
            }
            out.put(a, !dominated);
        }
        return out;
    }

    private static boolean isReference(ArmResult r) {
        return r.kind().equals("bound");
    }

    private static Map<String, List<ArmResult>> byScenario(List<ArmResult> results) {
        Map<String, List<ArmResult>> out = new LinkedHashMap<>();
        for (ArmResult r : results) {
            out.computeIfAbsent(r.scenario(), s -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** The tables and the verdict as text. */
    public static String format(List<Scenario> scenarios, List<ArmResult> results) {
        StringBuilder sb = new StringBuilder();
        Map<String, List<ArmResult>> byScenario = byScenario(results);
        for (Scenario sc : scenarios) {
            List<ArmResult> rs = byScenario.get(sc.name());
            if (rs == null) {
                continue;
            }
            Map<ArmResult, Boolean> pareto = pareto(rs, sc.isBacklog());
            sb.append(String.format(Locale.ROOT, "%n%s %s (SLO %d ms, %,d events; sink %s)%n", sc.name(),
                    sc.description(), sc.sloMillis(), rs.get(0).events(), sc.sink()));
            sb.append(String.format(Locale.ROOT, "%-22s %7s %7s %8s %7s %7s %8s %8s %9s %6s %6s %6s %5s %s%n",
                    "arm", "p50ms", "p99ms", "maxms", "sloMin", "sloAt_s", "tx", "tx/1k", "dbms/1k",
                    "size", "time", "adapt", "meets", "pareto"));
            for (ArmResult r : rs) {
                sb.append(String.format(Locale.ROOT,
                        "%-22s %7d %7d %8d %3d/%-3d %7.0f %8d %8.3f %9.2f %6d %6d %6d %5s %s%n",
                        r.arm(), r.p50Millis(), r.p99Millis(), r.maxMillis(), r.minutesMet(), r.minutesTotal(),
                        r.sloHeldFromMillis() / 1000.0, r.transactions(), r.transactionsPer1k(), r.dbMillisPer1k(),
                        r.flushCount(SIZE_COLUMN), r.flushCount(TIME_COLUMN), r.flushCount(ADAPTIVE_COLUMN),
                        r.meetsSlo() ? "yes" : "NO", pareto.get(r) ? "*" : ""));
            }
        }
        sb.append(verdict(new Comparison(results), byScenario.size()));
        return sb.toString();
    }

    /** The must-show, as text. */
    public static String verdict(Comparison c, int scenarios) {
        StringBuilder sb = new StringBuilder();
        Comparison.Totals a = c.adaptive();
        sb.append(String.format(Locale.ROOT, "%nAcross %s (sums over them / all their events):%n",
                String.join(", ", c.scenarios())));
        sb.append(String.format(Locale.ROOT, "%-22s %9s %8s %10s%n", "arm", "SLO met", "tx/1k", "dbms/1k"));
        for (Comparison.Totals t : c.totals().values()) {
            sb.append(String.format(Locale.ROOT, "%-22s %5d/%-3d %8.3f %10.2f%n", t.arm(), t.scenariosMet(),
                    scenarios, t.transactionsPer1k(), t.dbMillisPer1k()));
        }
        sb.append(String.format(Locale.ROOT, "%nadaptive meets the SLO in all scenarios: %s (%d/%d)%n",
                a.meetsAll() ? "yes" : "NO", a.scenariosMet(), scenarios));
        var byTx = c.cheapestStaticByTransactions();
        var byDb = c.cheapestStaticByDbTime();
        if (byTx.isPresent() && byDb.isPresent()) {
            sb.append(String.format(Locale.ROOT,
                    "cheapest static meeting the SLO everywhere: by transactions %s (%.3f tx/1k), by DB time %s (%.2f ms/1k)%n",
                    byTx.get().arm(), byTx.get().transactionsPer1k(), byDb.get().arm(), byDb.get().dbMillisPer1k()));
            sb.append(String.format(Locale.ROOT,
                    "adaptive / cheapest static: transactions %.2f, DB time %.2f (must-show: both <= 0.50: %s)%n",
                    c.transactionRatio(), c.dbTimeRatio(),
                    c.transactionRatio() <= 0.5 && c.dbTimeRatio() <= 0.5 ? "yes" : "NO"));
            perScenario(sb, c, "adaptive", byTx.get().arm());
            c.bound().ifPresent(bound -> {
                sb.append(String.format(Locale.ROOT,
                        "clairvoyant reference / cheapest static: transactions %.2f, DB time %.2f (an approximate "
                                + "lower bound for policies that write each shard separately; it meets the SLO in %d/%d)%n",
                        bound.transactionsPer1k() / byTx.get().transactionsPer1k(),
                        bound.dbMillisPer1k() / byDb.get().dbMillisPer1k(), bound.scenariosMet(), scenarios));
                perScenario(sb, c, "bound", byTx.get().arm());
                sb.append(String.format(Locale.ROOT,
                        "row-cost floor: the clairvoyant's DB time on rows alone is %.2f of %s's DB time "
                                + "(grouping transactions saves no row cost, only larger batches do, and the SLO caps them)%n",
                        bound.rowDbMillisPer1k() / byDb.get().dbMillisPer1k(), byDb.get().arm()));
                sb.append(String.format(Locale.ROOT,
                        "adaptive / clairvoyant reference: transactions %.2f, DB time %.2f%n",
                        a.transactionsPer1k() / bound.transactionsPer1k(), a.dbMillisPer1k() / bound.dbMillisPer1k()));
            });
        } else {
            Comparison.Totals best = c.bestStatic();
            sb.append(String.format(Locale.ROOT,
                    "no static setting meets the SLO in all scenarios; the best, %s, meets it in %d/%d "
                            + "(%.3f tx/1k, %.2f DB ms/1k; adaptive / it: %.2f, %.2f)%n",
                    best.arm(), best.scenariosMet(), scenarios, best.transactionsPer1k(), best.dbMillisPer1k(),
                    a.transactionsPer1k() / best.transactionsPer1k(), a.dbMillisPer1k() / best.dbMillisPer1k()));
        }
        return sb.toString();
    }

    private static void perScenario(StringBuilder sb, Comparison c, String kind, String baseline) {
        sb.append("per scenario, ").append(kind.equals("bound") ? "clairvoyant" : kind).append(" / ")
                .append(baseline).append(" (transactions, DB time):");
        c.perScenarioRatios(kind, baseline).forEach((scenario, r) ->
                sb.append(String.format(Locale.ROOT, " %s %.2f, %.2f;", scenario, r[0], r[1])));
        sb.append(System.lineSeparator());
    }

    /** Writes one CSV row per scenario and arm. */
    public static void writeCsv(Path path, List<Scenario> scenarios, List<ArmResult> results) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Map<String, List<ArmResult>> byScenario = byScenario(results);
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            w.write("scenario,arm,kind,max_size,max_delay_ms,events,transactions,db_ms,db_row_ms,tx_per_1k,db_ms_per_1k,"
                    + "p50_ms,p99_ms,max_ms,minutes_met,minutes_total,slo_held_from_s,meets_slo,pareto,"
                    + "flush_size,flush_time,flush_adaptive,flush_end_of_input\n");
            for (Scenario sc : scenarios) {
                List<ArmResult> rs = byScenario.getOrDefault(sc.name(), List.of());
                Map<ArmResult, Boolean> pareto = pareto(rs, sc.isBacklog());
                for (ArmResult r : rs) {
                    w.write(String.format(Locale.ROOT,
                            "%s,\"%s\",%s,%d,%d,%d,%d,%.1f,%.1f,%.4f,%.3f,%d,%d,%d,%d,%d,%.0f,%s,%s,%d,%d,%d,%d%n",
                            r.scenario(), r.arm(), r.kind(), r.maxSize(), r.maxDelayMillis(), r.events(),
                            r.transactions(), r.dbMillis(), r.rowDbMillis(), r.transactionsPer1k(), r.dbMillisPer1k(), r.p50Millis(),
                            r.p99Millis(), r.maxMillis(), r.minutesMet(), r.minutesTotal(),
                            r.sloHeldFromMillis() / 1000.0, r.meetsSlo(), pareto.get(r),
                            r.flushCount(SIZE_COLUMN), r.flushCount(TIME_COLUMN),
                            r.flushCount(ADAPTIVE_COLUMN), r.flushCount(FlushReason.END_OF_INPUT)));
                }
            }
        }
    }
}
