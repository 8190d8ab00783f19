package io.dynbatch.job.model;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The insight latencies of one batch's committed events (milliseconds, with how many events had
 * each), collected cheaply and encoded for its {@link BatchReceipt}: as sorted (latency, count)
 * pairs when the batch has few distinct latencies, which costs in proportion to them, and as an
 * HdrHistogram (3 significant digits) when it has many, which costs in proportion to the largest
 * latency. Either way {@link #decode} gives the same exact distribution as a histogram.
 * Not thread-safe; one per receipt.
 */
public final class LatencyCounts {

    /** Above this many (latency, count) entries a histogram encodes smaller and faster than pairs. */
    static final int MAX_PAIRS = 2_048;
    private static final byte PAIRS = 0;
    private static final byte HISTOGRAM = 1;
    private static final long MAX_LATENCY = (1L << 31) - 1; // 24 days in ms: what a packed entry holds
    private static final long MAX_COUNT = (1L << 32) - 1;

    private long[] packed = new long[16]; // latency << 32 | count
    private int size;
    private Histogram histogram; // once there are more than MAX_PAIRS entries

    /** {@code events} events committed {@code latencyMillis} after their ingest (negative counts as 0). */
    public void add(long latencyMillis, long events) {
        long latency = Math.min(Math.max(0, latencyMillis), MAX_LATENCY);
        if (histogram != null || events > MAX_COUNT) {
            histogram().recordValueWithCount(latency, events);
            return;
        }
        if (size == packed.length) {
            if (size >= MAX_PAIRS) {
                histogram().recordValueWithCount(latency, events);
                return;
            }
            packed = Arrays.copyOf(packed, size * 2);
        }
        packed[size++] = latency << 32 | events;
    }

    private Histogram histogram() {
        if (histogram == null) {
            histogram = new Histogram(3);
            for (int i = 0; i < size; i++) {
                histogram.recordValueWithCount(packed[i] >>> 32, packed[i] & MAX_COUNT);
            }
            size = 0;
        }
        return histogram;
    }

    /** The encoding a receipt carries. */
    public byte[] encode() {
        if (histogram != null) {
            ByteBuffer buffer = ByteBuffer.allocate(1 + histogram.getNeededByteBufferCapacity());
            buffer.put(HISTOGRAM);
            int length = histogram.encodeIntoByteBuffer(buffer);
            return Arrays.copyOf(buffer.array(), 1 + length);
        }
        Arrays.sort(packed, 0, size);
        ByteBuffer out = ByteBuffer.allocate(1 + 20 * size);
        out.put(PAIRS);
        long previous = 0;
        for (int i = 0; i < size; ) {
            long latency = packed[i] >>> 32;
            long count = 0;
            for (; i < size && packed[i] >>> 32 == latency; i++) {
                count += packed[i] & MAX_COUNT;
            }
            putVarLong(out, latency - previous);
            putVarLong(out, count);
            previous = latency;
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** The distribution {@code encoded} holds, as a histogram of 3 significant digits. */
    public static Histogram decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        byte form = in.get();
        if (form == HISTOGRAM) {
            return Histogram.decodeFromByteBuffer(in.slice(), 0);
        }
        if (form != PAIRS) {
            throw new IllegalArgumentException("not a latency encoding: form " + form);
        }
        Histogram h = new Histogram(3);
        long latency = 0;
        while (in.hasRemaining()) {
            latency += getVarLong(in);
            h.recordValueWithCount(latency, getVarLong(in));
        }
        return h;
    }

    private static void putVarLong(ByteBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static long getVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }
}
