package dev.simplestreams.testing;

import java.time.Duration;
import java.util.List;

/** The threads of this JVM, for tests that check a piece of work leaves none of its own behind. */
public final class Threads {

    private Threads() {
    }

    /** Waits up to {@code limit} until no live thread's name starts with {@code prefix}, then asserts it. */
    public static void awaitNone(String prefix, Duration limit) {
        Eventually.await("no thread named " + prefix + "*", limit, () -> named(prefix), List::isEmpty);
    }

    private static List<String> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }
}
