package io.dynbatch.e2e;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Waits for a condition with a deadline: calls a probe until it returns a present value, pausing
 * briefly between attempts. On timeout the failure names what was awaited and the last observation.
 */
final class Poll {

    private static final Duration PAUSE = Duration.ofMillis(250);

    private Poll() {}

    /** A probe's answer: a result, or why not yet (shown if the wait times out). */
    record Attempt<T>(Optional<T> result, String observed) {
        static <T> Attempt<T> done(T value) {
            return new Attempt<>(Optional.of(value), "done");
        }

        static <T> Attempt<T> notYet(String observed) {
            return new Attempt<>(Optional.empty(), observed);
        }
    }

    static <T> T until(String what, Duration timeout, Callable<Attempt<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "never probed";
        Exception lastError = null;
        while (true) {
            try {
                Attempt<T> attempt = probe.call();
                if (attempt.result().isPresent()) {
                    return attempt.result().get();
                }
                last = attempt.observed();
                lastError = null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError(
                        "timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last observed: " + last);
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            Thread.sleep(PAUSE.toMillis()); // pause between probes of a condition that has a deadline
        }
    }
}
