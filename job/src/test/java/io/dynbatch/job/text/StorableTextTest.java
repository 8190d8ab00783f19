package io.dynbatch.job.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StorableTextTest {

    @Test
    void storableTextIsKeptAsItIs() {
        for (String s : new String[] {"", "/p/1", "caf\u00e9 \uD83D\uDE00", "back\\slash \\u0000 as six chars", "\u0001\u007f\uFFFF"}) {
            assertThat(StorableText.encode(s)).isEqualTo(new StorableText.Encoded(s, StorableText.TEXT));
        }
        assertThat(StorableText.encode(null)).isEqualTo(new StorableText.Encoded(null, StorableText.TEXT));
    }

    @Test
    void nulAndUnpairedSurrogatesAreEscapedReversibly() {
        String[] unstorable = {"a\u0000b", "\uD800", "x\uDC00", "\uDC00\uD800", "\uD83D\uDE00\uD83D", "\\u0000\u0000\\"};
        for (String s : unstorable) {
            StorableText.Encoded e = StorableText.encode(s);
            assertThat(e.encoding()).isEqualTo(StorableText.ESCAPED);
            assertThat(StorableText.isStorable(e.text())).as(e.text()).isTrue();
            assertThat(StorableText.unescape(e.text())).isEqualTo(s);
        }
        assertThat(StorableText.escape("a\u0000b\\c\uD800\uD83D\uDE00")).isEqualTo("a\\u0000b\\\\c\\ud800\uD83D\uDE00");
    }

    @Test
    void findsTheFirstUnstorableChar() {
        assertThat(StorableText.firstUnstorable("ok")).isEqualTo(-1);
        assertThat(StorableText.firstUnstorable("ok\u0000")).isEqualTo(2);
        assertThat(StorableText.firstUnstorable("\uD83D\uDE00\uDE00")).isEqualTo(2);
        assertThat(StorableText.firstUnstorable("a\uD83D")).isEqualTo(1);
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        assertThat(StorableText.truncate("ab\uD83D\uDE00", 3)).isEqualTo("ab");
        assertThat(StorableText.truncate("ab\uD83D\uDE00", 4)).isEqualTo("ab\uD83D\uDE00");
        assertThat(StorableText.truncate("abcd", 2)).isEqualTo("ab");
        assertThat(StorableText.truncate(null, 2)).isNull();
    }

    @Test
    void hexRoundTrips() {
        byte[] bytes = {0, (byte) 0xc3, 0x28, (byte) 0xff};
        assertThat(StorableText.hex(bytes, 10)).isEqualTo("00c328ff");
        assertThat(StorableText.hex(bytes, 2)).isEqualTo("00c3");
        assertThat(StorableText.unhex("00c328ff")).containsExactly(bytes);
    }
}
