package io.dynbatch.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checks a committed results/sim file against one the test just regenerated. */
final class CommittedResults {

    /** CSV fields, commas inside quotes kept. */
    private static final String FIELD_SEPARATOR = ",(?=([^\"]*\"[^\"]*\")*[^\"]*$)";

    private CommittedResults() {}

    /**
     * Asserts that {@code results/sim/<name>} has the regenerated file's header and rows, numbers within
     * 1% (at least 1), other fields equal: a stale file fails with the command that refreshes it.
     */
    static void assertCurrent(Path fresh, String name) throws IOException {
        List<String> want = Files.readAllLines(fresh);
        List<String> have = Files.readAllLines(Path.of("..", "results", "sim", name));
        String stale = "results/sim/" + name + " is stale: re-run mvn -q -pl simulator -am package -DskipTests -Psim";
        assertThat(have).as(stale).hasSameSizeAs(want);
        assertThat(have.get(0)).as(stale).isEqualTo(want.get(0));
        for (int i = 1; i < want.size(); i++) {
            String[] w = want.get(i).split(FIELD_SEPARATOR);
            String[] h = have.get(i).split(FIELD_SEPARATOR);
            assertThat(h).as(stale + " (row " + i + ")").hasSameSizeAs(w);
            for (int c = 0; c < w.length; c++) {
                if (w[c].matches("-?[0-9.]+")) {
                    double x = Double.parseDouble(w[c]);
                    assertThat(Double.parseDouble(h[c])).as(stale + " (row " + i + ", column " + c + ")")
                            .isCloseTo(x, within(Math.max(1, Math.abs(x) * 0.01)));
                } else {
                    assertThat(h[c]).as(stale + " (row " + i + ", column " + c + ")").isEqualTo(w[c]);
                }
            }
        }
    }
}
