package io.dynbatch.job.kafka;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on conditions in the integration tests: polls with a deadline, never a fixed sleep. */
public final class Conditions {

    private Conditions() {}

    /** A condition that may throw (a REST call, a query). */
    public interface Check {
        boolean test() throws Exception;
    }

    /** Polls {@code condition} every 50 ms until it holds, or fails after {@code timeout}. */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50); // poll interval, not a wait for a result
        }
    }

    /** The check's answer, or false while it throws (e.g. the service is restarting). */
    public static boolean quietly(Check check) {
        try {
            return check.test();
        } catch (Exception e) {
            return false;
        }
    }
}
