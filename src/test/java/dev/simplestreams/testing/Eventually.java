package dev.simplestreams.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for what the server does in the background (the indexer, above all). Deadlines are generous because the suite shares slow, busy machines;
 * a passing wait returns as soon as the condition holds, so they cost nothing when things work.
 */
public final class Eventually {

    public static final Duration DEFAULT = Duration.ofSeconds(20);

    private Eventually() {
    }

    /** Polls {@code value} until {@code done} holds for it; fails with {@code describe} of the last value. */
    public static <T> T await(String what, Supplier<T> value, Predicate<T> done) {
        return await(what, value, done, DEFAULT);
    }

    /** As {@link #await(String, Supplier, Predicate)}, for work that runs at the lowest CPU priority. */
    public static <T> T await(String what, Supplier<T> value, Predicate<T> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("gave up after " + limit.toSeconds() + " s waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
            last = value.get();
        }
        return last;
    }
}
