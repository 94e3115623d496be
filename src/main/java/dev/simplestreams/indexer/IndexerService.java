package dev.simplestreams.indexer;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background indexer: a watcher thread that notes changed version directories, and an indexing thread
 * that waits for writing to pause, re-reads what changed, and rescans everything periodically for changes
 * no event reported (NFS, some CSI volumes). Any failure is logged and retried; it never ends indexing.
 */
public final class IndexerService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IndexerService.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Readiness turns false after this many failed passes in a row: one can be a file vanishing mid-read. */
    public static final int FAILURES_BEFORE_UNREADY = 3;

    /**
     * {@code quietPeriod}: how long a directory must see no event before it is read, so a file copied in by
     * another tool is read once it is complete. {@code rescanInterval}: time between full rescans.
     * {@code keepVersions} (0: all) and {@code retentionGrace}: see {@link Indexer}.
     */
    public record Settings(Duration quietPeriod, Duration rescanInterval, int keepVersions, Duration retentionGrace) {
    }

    /** What the health endpoints and the status document report. */
    public record Status(boolean indexing, Instant lastIndexed, long lastDurationMillis,
            String lastError, int consecutiveFailures, long filesRead, long bytesRead, long catalogueWrites,
            long runs, long failedRuns, long totalRunMillis) {
    }

    private final Indexer indexer;
    private final Path watchedRoot;
    private final Settings settings;
    private final ExecutorService hashPool;
    private final Object lock = new Object();
    private final Set<VersionKey> pending = new LinkedHashSet<>();
    private final AtomicInteger failures = new AtomicInteger();
    /** Indexing passes finished (with or without success), failed ones, and the time all of them took. */
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private final AtomicLong totalRunMillis = new AtomicLong();
    private boolean rescanRequested = true;
    private long lastEventNanos;
    private volatile boolean stopping;
    private volatile Instant lastIndexed;
    private volatile long lastDurationMillis;
    private volatile String lastError;
    private Thread indexThread;
    private Thread watchThread;
    private TreeWatcher watcher;

    /**
     * {@code cache} is shared with the upload path, which fills it while bytes stream in; {@code watchedRoot}
     * is the local data root to watch for file events, or null for stores without them.
     */
    public IndexerService(ImageStore store, HashCache cache, Path watchedRoot, Settings settings) {
        this.watchedRoot = watchedRoot;
        this.settings = settings;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.hashPool = Executors.newFixedThreadPool(threads, daemonThreads("simplestreams-hash"));
        this.indexer = new Indexer(store, cache, hashPool, settings.keepVersions(), settings.retentionGrace(),
                settings.quietPeriod());
    }

    public void start() throws IOException {
        if (watchedRoot != null) {
            watcher = new TreeWatcher(watchedRoot, new TreeWatcher.Listener() {
                @Override
                public void versionChanged(VersionKey version) {
                    synchronized (lock) {
                        pending.add(version);
                        lastEventNanos = System.nanoTime();
                        lock.notifyAll();
                    }
                }

                @Override
                public void rescanNeeded(String reason) {
                    LOG.fine(() -> "full rescan: " + reason);
                    requestRescan();
                }
            });
            watchThread = daemonThreads("simplestreams-watcher").newThread(this::watchLoop);
            watchThread.start();
        }
        indexThread = daemonThreads("simplestreams-indexer").newThread(this::indexLoop);
        indexThread.start();
    }

    public PublishedCatalog current() {
        return indexer.current();
    }

    /** Indexes the given version now, for the upload path: the response can then say it is published. */
    public PublishedCatalog refreshNow(VersionKey version) throws IOException {
        return indexer.refresh(List.of(version), true);
    }

    public void requestRescan() {
        synchronized (lock) {
            rescanRequested = true;
            lastEventNanos = System.nanoTime();
            lock.notifyAll();
        }
    }

    public Status status() {
        boolean alive = indexThread != null && indexThread.isAlive();
        return new Status(alive, lastIndexed, lastDurationMillis, lastError, failures.get(),
                indexer.filesRead(), indexer.bytesRead(), indexer.catalogueWrites(), runs.get(), failedRuns.get(),
                totalRunMillis.get());
    }

    private void watchLoop() {
        try {
            watcher.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.log(Level.SEVERE, "file watcher failed; relying on periodic rescans", e);
            }
        }
    }

    private void indexLoop() {
        long nextRescan = 0;
        while (!stopping) {
            Set<VersionKey> batch;
            boolean rescan;
            try {
                synchronized (lock) {
                    long now = System.nanoTime();
                    long quiet = settings.quietPeriod().toNanos();
                    boolean work = rescanRequested || !pending.isEmpty();
                    if (!work && now < nextRescan) {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextRescan - now)));
                        continue;
                    }
                    if (work && now - lastEventNanos < quiet) {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(quiet - (now - lastEventNanos))));
                        continue;
                    }
                    rescan = rescanRequested || now >= nextRescan;
                    batch = new LinkedHashSet<>(pending);
                    pending.clear();
                    rescanRequested = false;
                }
            } catch (InterruptedException e) {
                return;
            }
            long started = System.nanoTime();
            try {
                if (rescan) {
                    indexer.fullScan();
                    nextRescan = System.nanoTime() + settings.rescanInterval().toNanos();
                } else {
                    indexer.refresh(batch, false);
                }
                Set<VersionKey> again = indexer.takeRetries();
                if (!again.isEmpty()) {
                    synchronized (lock) {
                        pending.addAll(again);
                        lastEventNanos = System.nanoTime();
                    }
                }
                lastIndexed = Instant.now();
                lastDurationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                totalRunMillis.addAndGet(lastDurationMillis);
                runs.incrementAndGet();
                lastError = null;
                failures.set(0);
            } catch (Throwable e) {
                if (stopping) {
                    return;
                }
                int failed = failures.incrementAndGet();
                totalRunMillis.addAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                failedRuns.incrementAndGet();
                runs.incrementAndGet();
                lastError = e.toString();
                LOG.log(Level.SEVERE, "indexing failed (attempt " + failed + "); retrying with a full rescan", e);
                requestRescan();
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(5, failed - 1));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            LOG.fine(() -> "closing the watcher: " + e);
        }
        for (Thread thread : new Thread[] {indexThread, watchThread}) {
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        hashPool.shutdownNow();
        try {
            indexer.saveCache();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "saving the hash cache at shutdown failed; changed files are hashed again at "
                    + "start", e);
        }
    }

    public Map<String, Instant> deletionSchedule() {
        return indexer.deletionSchedule();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
