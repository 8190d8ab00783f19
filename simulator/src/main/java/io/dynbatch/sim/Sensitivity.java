package io.dynbatch.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Out-of-sample check of the verdict: the cheapest static setting that meets the SLO in S1-S4 was
 * chosen knowing those four scenarios (S5, whose lag swings only 250 ms delays survive, apart).
 * This re-runs S2 (the 5x slow sink) at other constant loads, with every arm, and reports for each load whether adaptive, that static setting, and how many of
 * the grid's settings meet the SLO.
 */
public final class Sensitivity {

    /** Total event rates (per subtask) at which S2 is re-run. */
    public static final double[] S2_LOADS = {2_000, 4_000, 6_000, 8_000, 10_000, 12_000};

    private Sensitivity() {}

    /** S2 with a different constant load. */
    public static Scenario slowSinkAt(double eventsPerSecond) {
        Scenario base = Scenarios.slowSink();
        return new Scenario(base.name() + "@" + (long) eventsPerSecond / 1000 + "k",
                String.format(Locale.ROOT, "S2 at %.0fk ev/s", eventsPerSecond / 1000), base.durationMillis(),
                base.backlogMillis(), base.shardWeights(), t -> eventsPerSecond, base.upstreamLagMillis(),
                base.sink(), base.perEventMillis(), base.sloMillis(), base.seed());
    }

    public static List<Scenario> scenarios() {
        List<Scenario> out = new ArrayList<>();
        for (double load : S2_LOADS) {
            out.add(slowSinkAt(load));
        }
        return out;
    }

    /** The table: one line per load. {@code chosen} is the static arm chosen on S1-S4 (if any). */
    public static String format(List<Scenario> scenarios, List<ArmResult> results, Optional<String> chosen) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nSensitivity (out of sample): S2 re-run at other loads, every arm%n"));
        sb.append(String.format(Locale.ROOT, "%-9s %-24s %-34s %s%n", "scenario", "adaptive p99 / tx/1k",
                "chosen static " + chosen.orElse("(none)") + " p99 / tx/1k", "static grid meeting SLO"));
        for (Scenario s : scenarios) {
            ArmResult adaptive = null;
            ArmResult pick = null;
            int passing = 0;
            int statics = 0;
            for (ArmResult r : results) {
                if (!r.scenario().equals(s.name())) {
                    continue;
                }
                if (r.kind().equals("adaptive")) {
                    adaptive = r;
                } else if (r.kind().equals("static")) {
                    statics++;
                    passing += r.meetsSlo() ? 1 : 0;
                    if (chosen.isPresent() && r.arm().equals(chosen.get())) {
                        pick = r;
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "%-9s %-24s %-34s %d/%d%n", s.name(), cell(adaptive), cell(pick),
                    passing, statics));
        }
        return sb.toString();
    }

    private static String cell(ArmResult r) {
        if (r == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%5d ms %-3s / %.3f", r.p99Millis(), r.meetsSlo() ? "ok" : "NO",
                r.transactionsPer1k());
    }
}
