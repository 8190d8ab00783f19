package io.dynbatch.bench.ab;

import io.dynbatch.bench.ab.StaticChoice.Criterion;
import io.dynbatch.bench.ab.StaticChoice.Outcome;
import io.dynbatch.bench.ab.StaticChoice.Row;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StaticChoiceTest {

    /** An outcome over 10 intervals, {@code met} of them within the SLO. */
    private static Outcome o(String scenario, String arm, long transactions, int met, boolean recovered) {
        return new Outcome(scenario, arm, transactions, 10, met, recovered);
    }

    @Test
    void staticSettingsAreTheStaticArmAndTheGridArms() {
        assertThat(StaticChoice.isStatic("static")).isTrue();
        assertThat(StaticChoice.isStatic("static_5000_1500ms")).isTrue();
        assertThat(StaticChoice.isStatic("builtin")).isFalse();
        assertThat(StaticChoice.isStatic("adaptive")).isFalse();
        assertThat(StaticChoice.isStatic("tumbling_1min")).isFalse();
        assertThat(StaticChoice.isStatic("static_5000_1.5s")).as("not a label the job writes").isFalse();
    }

    @Test
    void perScenarioTheCheapestStaticSettingThatMetTheSlo() {
        List<Row> rows = StaticChoice.choose(List.of(
                o("S1_diurnal", "builtin", 100, 10, true), // cheapest, but not a static setting
                o("S1_diurnal", "static_5000_1s", 300, 10, true),
                o("S1_diurnal", "static_5000_1500ms", 250, 10, true),
                o("S1_diurnal", "static_20000_1800ms", 200, 9, true), // cheaper, missed an interval
                o("S1_diurnal", "adaptive", 125, 10, true),
                o("S1_diurnal", "tumbling_1min", 50, 0, false)));
        assertThat(rows).hasSize(2);
        Row s1 = rows.get(0);
        assertThat(s1).isEqualTo(new Row("S1_diurnal", Criterion.ALL_INTERVALS, "static_5000_1500ms", 250L, 125L, true));
        assertThat(s1.adaptiveRatio()).isEqualTo(0.5);
        assertThat(StaticChoice.CSV.csvLine(s1)).isEqualTo("S1_diurnal,all_intervals,static_5000_1500ms,250,125,0.500,true\n");
    }

    @Test
    void theBacklogScenarioIsJudgedByRecovery() {
        List<Row> rows = StaticChoice.choose(List.of(
                o("S3_backlog", "static_5000_1s", 300, 7, true),
                o("S3_backlog", "static_20000_1800ms", 100, 6, false), // never back within the SLO
                o("S3_backlog", "static_5000_1500ms", 200, 8, true),
                o("S3_backlog", "adaptive", 90, 5, true)));
        assertThat(rows.get(0)).isEqualTo(new Row("S3_backlog", Criterion.RECOVERED, "static_5000_1500ms", 200L, 90L,
                true));
    }

    @Test
    void acrossScenariosTheCheapestSettingThatMetItInEveryOneByTotalTransactions() {
        List<Row> rows = StaticChoice.choose(List.of(
                o("S1_diurnal", "static_5000_1s", 300, 10, true),
                o("S1_diurnal", "static_20000_1800ms", 100, 10, true),
                o("S1_diurnal", "adaptive", 80, 10, true),
                o("S2_slow_sink", "static_5000_1s", 310, 10, true),
                o("S2_slow_sink", "static_20000_1800ms", 120, 8, false), // the cheapest misses here
                o("S2_slow_sink", "adaptive", 90, 9, true),
                o("S3_backlog", "static_5000_1s", 200, 6, true),
                o("S3_backlog", "static_20000_1800ms", 90, 6, true),
                o("S3_backlog", "adaptive", 50, 6, true)));
        assertThat(rows).extracting(Row::scenario).containsExactly("S1_diurnal", "S2_slow_sink", "S3_backlog", "ALL");
        assertThat(rows.get(0).cheapestStatic()).isEqualTo("static_20000_1800ms");
        assertThat(rows.get(1)).isEqualTo(new Row("S2_slow_sink", Criterion.ALL_INTERVALS, "static_5000_1s", 310L, 90L,
                false));
        Row all = rows.get(3);
        assertThat(all).isEqualTo(new Row("ALL", Criterion.EVERY_SCENARIO, "static_5000_1s", 810L, 220L, false));
        assertThat(StaticChoice.CSV.csvLine(all)).isEqualTo("ALL,every_scenario,static_5000_1s,810,220,0.272,false\n");
    }

    @Test
    void noStaticSettingOrNoAdaptiveLeavesTheCellsEmpty() {
        List<Row> rows = StaticChoice.choose(List.of(
                o("S1_diurnal", "static", 300, 9, true),
                o("S2_slow_sink", "static", 300, 10, true)));
        assertThat(rows.get(0)).isEqualTo(new Row("S1_diurnal", Criterion.ALL_INTERVALS, null, null, null, null));
        assertThat(StaticChoice.CSV.csvLine(rows.get(0))).isEqualTo("S1_diurnal,all_intervals,,,,,\n");
        assertThat(rows.get(1).cheapestStatic()).isEqualTo("static");
        assertThat(rows.get(2)).as("static missed S1").isEqualTo(new Row("ALL", Criterion.EVERY_SCENARIO, null, null,
                null, null));
        assertThat(StaticChoice.CSV.csvHeader()).isEqualTo("scenario,criterion,cheapest_static_met,static_transactions,"
                + "adaptive_transactions,adaptive_ratio,adaptive_met\n");
    }

    @Test
    void tiesGoToTheFirstLabelAndThePrintedTableSaysWhatItMeans() {
        List<Row> rows = StaticChoice.choose(List.of(
                o("S4_key_skew", "static_5000_1s", 100, 10, true),
                o("S4_key_skew", "static", 100, 10, true),
                o("S4_key_skew", "adaptive", 100, 10, true)));
        assertThat(rows.get(0).cheapestStatic()).isEqualTo("static");
        String printed = StaticChoice.printed(rows);
        assertThat(printed).contains("fewest transactions", "S3_backlog: recovered", "1.000x");
    }
}
