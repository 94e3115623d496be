package dev.simplestreams.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

/** The threads of this JVM, for tests that check a piece of work leaves none of its own behind. */
public final class Threads {

    private Threads() {
    }

    /** Waits up to {@code limit} until no live thread's name starts with {@code prefix}, then asserts it. */
    public static void awaitNone(String prefix, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!named(prefix).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), named(prefix), "threads still running");
    }

    private static List<String> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }
}
