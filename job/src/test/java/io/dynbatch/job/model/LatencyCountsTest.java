package io.dynbatch.job.model;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A receipt's latencies decode to exactly the histogram the same values make, in either encoding. */
class LatencyCountsTest {

    private static void assertSameDistribution(Histogram decoded, Histogram expected) {
        assertThat(decoded.getTotalCount()).isEqualTo(expected.getTotalCount());
        assertThat(decoded.getMaxValue()).isEqualTo(expected.getMaxValue());
        assertThat(decoded.getMinValue()).isEqualTo(expected.getMinValue());
        for (double p : new double[] {1, 50, 90, 99, 99.9}) {
            assertThat(decoded.getValueAtPercentile(p)).as("p%s", p).isEqualTo(expected.getValueAtPercentile(p));
        }
    }

    @Test
    void fewDistinctLatenciesTravelAsSortedPairs() {
        LatencyCounts counts = new LatencyCounts();
        Histogram expected = new Histogram(3);
        long[][] runs = {{1_870, 3}, {12, 1}, {1_870, 2}, {950, 40}, {-5, 1}};
        for (long[] run : runs) {
            counts.add(run[0], run[1]);
            expected.recordValueWithCount(Math.max(0, run[0]), run[1]);
        }
        byte[] encoded = counts.encode();
        assertThat(encoded[0]).as("pairs").isEqualTo((byte) 0);
        assertThat(encoded.length).isLessThan(16);
        assertSameDistribution(LatencyCounts.decode(encoded), expected);
    }

    @Test
    void manyDistinctLatenciesTravelAsAHistogram() {
        LatencyCounts counts = new LatencyCounts();
        Histogram expected = new Histogram(3);
        Random random = new Random(7);
        for (int i = 0; i < 3 * LatencyCounts.MAX_PAIRS; i++) {
            long latency = random.nextInt(60_000);
            long events = 1 + random.nextInt(5);
            counts.add(latency, events);
            expected.recordValueWithCount(latency, events);
        }
        byte[] encoded = counts.encode();
        assertThat(encoded[0]).as("histogram").isEqualTo((byte) 1);
        assertSameDistribution(LatencyCounts.decode(encoded), expected);
    }

    @Test
    void anEmptyBatchDecodesToAnEmptyHistogram() {
        assertThat(LatencyCounts.decode(new LatencyCounts().encode()).getTotalCount()).isZero();
    }

    @Test
    void aReceiptEncodesAHistogramsValues() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(900, 7);
        h.recordValueWithCount(3_001, 1);
        BatchReceipt r = new BatchReceipt();
        r.latencyHistogram = BatchReceipt.encodeLatency(h);
        assertSameDistribution(r.decodeLatency(), h);
    }
}
