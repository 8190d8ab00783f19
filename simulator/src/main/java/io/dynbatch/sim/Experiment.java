package io.dynbatch.sim;

import io.dynbatch.triggers.policy.AdaptivePolicyConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs every arm on every scenario, on the same arrival trace per scenario (generated once), and
 * collects the results in a fixed order (scenario, then arm). Arms run in parallel on up to {@code
 * threads} threads; each run is deterministic, so the results do not depend on the thread count.
 */
public final class Experiment {

    /** Static grid: batch size limits. */
    public static final long[] GRID_SIZES = {1_000, 2_500, 5_000, 10_000, 50_000};

    /** Static grid: delay limits (ms). */
    public static final long[] GRID_DELAYS = {250, 500, 750, 1_000, 1_500};

    private Experiment() {}

    /** The adaptive arm with the default policy settings and the grid's largest size as its cap. */
    public static AdaptiveArm defaultAdaptive() {
        return new AdaptiveArm(AdaptivePolicyConfig.builder()
                .slo(java.time.Duration.ofMillis(Scenarios.SLO_MILLIS))
                .maxSize(GRID_SIZES[GRID_SIZES.length - 1])
                .build());
    }

    /** The clairvoyant reference with the adaptive arm's size cap. */
    public static ClairvoyantArm defaultClairvoyant() {
        return new ClairvoyantArm(GRID_SIZES[GRID_SIZES.length - 1]);
    }

    /** The adaptive arm, the clairvoyant reference, then the static grid (sizes x delays). */
    public static List<Arm> defaultArms() {
        List<Arm> arms = new ArrayList<>();
        arms.add(defaultAdaptive());
        arms.add(defaultClairvoyant());
        for (long size : GRID_SIZES) {
            for (long delay : GRID_DELAYS) {
                arms.add(new StaticArm(size, delay));
            }
        }
        return arms;
    }

    /** Runs {@code arms} on {@code scenarios}. */
    public static List<ArmResult> run(List<Scenario> scenarios, List<Arm> arms, int threads) {
        List<Callable<ArmResult>> runs = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            ArrivalTrace trace = ArrivalTrace.generate(scenario);
            SubtaskSimulator simulator = new SubtaskSimulator(scenario, trace);
            for (Arm arm : arms) {
                runs.add(() -> simulator.run(arm));
            }
        }
        return inParallel(runs, threads, "sim");
    }

    /** Runs {@code tasks} on {@code threads} daemon threads; their results in the order of the tasks. */
    static <T> List<T> inParallel(List<Callable<T>> tasks, int threads, String threadName) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
