package io.dynbatch.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarises a JFR recording of a throughput run: the hottest methods (top frame and anywhere on the
 * stack, restricted to the task threads) and the largest allocation sites.
 *
 * <pre>java -cp ... io.dynbatch.bench.JfrTop recording.jfr [filter-substring] [top-n]</pre>
 */
public final class JfrTop {

    private JfrTop() {}

    public static void main(String[] args) throws Exception {
        String filter = args.length > 1 ? args[1] : "";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Double> allocBytes = new HashMap<>();
        long samples = 0;
        long nativeSamples = 0;
        double allocTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            String thread = e.hasField("sampledThread") && e.getThread("sampledThread") != null
                    ? e.getThread("sampledThread").getJavaName()
                    : e.hasField("eventThread") && e.getThread() != null ? e.getThread().getJavaName() : "";
            if (thread == null || !thread.contains(filter)) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            if (type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample")) {
                samples++;
                if (type.equals("jdk.NativeMethodSample")) {
                    nativeSamples++;
                }
                self.merge(name(frames.get(0)), 1L, Long::sum);
                frames.stream().map(JfrTop::name).distinct().forEach(n -> total.merge(n, 1L, Long::sum));
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                double w = e.getLong("weight");
                allocTotal += w;
                String site = e.getClass("objectClass").getName() + " @ " + firstOwnFrame(frames);
                allocBytes.merge(site, w, Double::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%d samples (%d of them in native code) on threads matching '%s'%n%nself%%  method%n",
                samples, nativeSamples, filter);
        print(self, samples, top);
        System.out.printf(Locale.ROOT, "%ntotal%% method (on the stack)%n");
        print(total, samples, top);
        System.out.printf(Locale.ROOT, "%nallocation%% (sampled weight %.0f MB) class @ site%n", allocTotal / 1e6);
        double allocSum = allocTotal;
        allocBytes.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", 100 * en.getValue() / allocSum, en.getKey()));
    }

    private static void print(Map<String, Long> counts, long samples, int top) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", 100.0 * en.getValue() / samples, en.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (!n.startsWith("java.") && !n.startsWith("jdk.")) {
                return n + ":" + f.getLineNumber();
            }
        }
        return name(frames.get(0));
    }
}
