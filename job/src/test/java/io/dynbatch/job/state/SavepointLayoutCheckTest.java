package io.dynbatch.job.state;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A savepoint of the earlier window layout (each pending batch one aggregate), taken by that
 * version of the job (shadow static + adaptive, pending batches in flight), is refused with a
 * message that says what to do.
 */
class SavepointLayoutCheckTest {

    private static String aggregateLayoutSavepoint() throws URISyntaxException {
        Path dir = Paths.get(SavepointLayoutCheckTest.class.getResource("/savepoints/aggregate-window-layout/_metadata")
                .toURI()).getParent();
        return dir.toUri().toString();
    }

    @Test
    void findsTheAggregateWindowStateOfTheEarlierLayout() throws Exception {
        assertThat(SavepointLayoutCheck.foreignWindowStateType(aggregateLayoutSavepoint(), getClass().getClassLoader()))
                .contains("AGGREGATING");
    }

    @Test
    void refusesItWithWhatToDo() throws Exception {
        String savepoint = aggregateLayoutSavepoint();
        assertThatThrownBy(() -> SavepointLayoutCheck.requireRestorable(savepoint, getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("earlier dynbatch version")
                .hasMessageContaining("resume this savepoint with the earlier version")
                .hasMessageContaining("--table");
    }

    @Test
    void recognisesTheEarlierAccumulatorOnlyByItsExactName() {
        IOException missing = new IOException("Could not find class '" + SavepointLayoutCheck.EARLIER_ACCUMULATOR
                + "' in classpath.");
        assertThat(SavepointLayoutCheck.namesMissingClass(new IOException("wrapped", missing),
                SavepointLayoutCheck.EARLIER_ACCUMULATOR)).isTrue();
        assertThat(SavepointLayoutCheck.namesMissingClass(new IOException("Could not find class 'a.Other' in classpath."),
                SavepointLayoutCheck.EARLIER_ACCUMULATOR)).isFalse();
    }
}
