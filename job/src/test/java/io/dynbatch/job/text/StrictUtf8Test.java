package io.dynbatch.job.text;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class StrictUtf8Test {

    @Test
    void wellFormedUtf8IsDecoded() {
        byte[] bytes = HexFormat.of().parseHex("2f70c3a9f09f9880"); // "/pé😀"
        assertThat(StrictUtf8.decodeOrNull(bytes)).isEqualTo("/p\u00e9\uD83D\uDE00");
        assertThat(StrictUtf8.firstInvalidByte(bytes)).isEqualTo(-1);
        assertThat(StrictUtf8.decodeOrNull(new byte[0])).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "c328,             0", // a lead byte followed by no continuation
        "6180,             1", // a stray continuation byte
        "61eda080,         1", // an encoded surrogate (CESU-8)
        "c080,             0", // an overlong NUL
        "f4908080,         0", // above U+10FFFF
        "61e282,           1", // truncated at the end
        "ff,               0",
    })
    void malformedUtf8IsReportedNeverReplaced(String hex, int offset) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(StrictUtf8.decodeOrNull(bytes)).isNull();
        assertThat(StrictUtf8.firstInvalidByte(bytes)).isEqualTo(offset);
    }
}
