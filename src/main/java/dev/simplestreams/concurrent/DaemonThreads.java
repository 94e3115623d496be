package dev.simplestreams.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads this application starts: daemons, so that none can hold up the container's shutdown, and named
 * {@code simplestreams-<what>-<n>}, so that thread dumps and the tests that look for leaked threads find them.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String what) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "simplestreams-" + what + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public static Thread start(String what, Runnable task) {
        Thread thread = named(what).newThread(task);
        thread.start();
        return thread;
    }

    /** Interrupts a thread (null: none) and waits up to 10 s for it to end, as undeploying must. */
    public static void stop(Thread thread) {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
