package dev.simplestreams.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way the suite waits for what happens in the background (the indexer, a server starting, a lease
 * changing hands): poll a probe until a condition holds or a deadline passes. Deadlines are generous because
 * the suite shares slow, busy machines; a passing wait returns as soon as the condition holds, so they cost
 * nothing when things work. A probe that throws ends the wait at once (a process that died will not recover).
 */
public final class Eventually {

    public static final Duration DEFAULT = Duration.ofSeconds(20);

    /** Polls start fast and slow down to this, so a probe that runs a command or an HTTP request stays cheap. */
    private static final long LONGEST_PAUSE_MILLIS = 200;

    /** What a wait polls; may do I/O. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** A condition a wait polls; may do I/O. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {
    }

    /** Polls {@code value} for up to {@link #DEFAULT} until {@code done} holds for it; returns that value. */
    public static <T> T await(String what, Probe<T> value, Predicate<T> done) {
        return await(what, DEFAULT, value, done);
    }

    /** Polls {@code value} for up to {@code limit} until {@code done} holds for it; fails naming the last value. */
    public static <T> T await(String what, Duration limit, Probe<T> value, Predicate<T> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = 10;
        T last = probe(what, value);
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + limit.toMillis() + " ms waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            last = probe(what, value);
        }
        return last;
    }

    /** Polls {@code done} for up to {@code limit} until it holds. */
    public static void until(String what, Duration limit, Condition done) {
        await(what, limit, done::holds, Boolean::booleanValue);
    }

    /**
     * Polls {@code done} for up to {@code limit} until it holds; a failure, of the wait or of the condition (a
     * process that died), ends with {@code diagnostics} read then: the logs that tell why.
     */
    public static void until(String what, Duration limit, Condition done, Supplier<String> diagnostics) {
        try {
            until(what, limit, done);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics.get(), e);
        }
    }

    private static <T> T probe(String what, Probe<T> value) {
        try {
            return value.get();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("waiting for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        } catch (Exception e) {
            throw new AssertionError("waiting for " + what + ": " + e, e);
        }
    }
}
