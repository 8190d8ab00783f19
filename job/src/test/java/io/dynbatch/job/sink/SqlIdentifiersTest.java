package io.dynbatch.job.sink;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlIdentifiersTest {

    @Test
    void derivedNamesAreUnqualifiedAndFitPostgresLimit() {
        assertThat(SqlIdentifiers.derivedName("dead_letters", "dedupe_key")).isEqualTo("dead_letters_dedupe_key");
        assertThat(SqlIdentifiers.derivedName("ops.dead_letters", "dedupe_key")).isEqualTo("dead_letters_dedupe_key");

        String longA = "a".repeat(60);
        String longB = "a".repeat(59) + "b";
        String a = SqlIdentifiers.derivedName(longA, "dedupe_key");
        String b = SqlIdentifiers.derivedName(longB, "dedupe_key");
        assertThat(a).hasSize(63).endsWith("_dedupe_key").startsWith("aaaa");
        assertThat(b).hasSize(63).isNotEqualTo(a);
    }

    @Test
    void derivedNamesRefuseWhatTableNamesRefuse() {
        assertThatThrownBy(() -> SqlIdentifiers.derivedName("x; drop table y", "dedupe_key"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlIdentifiers.derivedName("dead_letters", "Key-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
