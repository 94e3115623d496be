package dev.simplestreams.indexer;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** How the indexing passes went: counted by the index thread, read by the status document and the metrics. */
final class RunStatistics {

    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** Passes finished (with or without success), failed ones, and the time all of them took. */
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private final AtomicLong totalRunMillis = new AtomicLong();
    private volatile Instant lastIndexed;
    private volatile long lastDurationMillis;
    private volatile String lastError;

    void succeeded(long startedNanos) {
        lastIndexed = Instant.now();
        lastDurationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        totalRunMillis.addAndGet(lastDurationMillis);
        runs.incrementAndGet();
        lastError = null;
        consecutiveFailures.set(0);
    }

    /** Returns how many passes in a row have failed now. */
    int failed(long startedNanos, Throwable failure) {
        totalRunMillis.addAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        failedRuns.incrementAndGet();
        runs.incrementAndGet();
        lastError = failure.toString();
        return consecutiveFailures.incrementAndGet();
    }

    /** {@code indexer} counts the files and bytes read and the catalogs written in the current term. */
    Indexing.Status snapshot(boolean running, Indexer indexer, boolean leading, String leader) {
        return new Indexing.Status(running, lastIndexed, lastDurationMillis, lastError, consecutiveFailures.get(),
                indexer.filesRead(), indexer.bytesRead(), indexer.catalogWrites(), runs.get(), failedRuns.get(),
                totalRunMillis.get(), leading, leader, indexer.lastChange());
    }
}
