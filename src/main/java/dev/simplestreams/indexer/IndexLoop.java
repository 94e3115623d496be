package dev.simplestreams.indexer;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.concurrent.DaemonThreads;
import dev.simplestreams.coordination.Leadership;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StaleWriteException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The index thread, as leader or follower. While this server is elected it takes what the {@link ChangeQueue}
 * and the {@link Handover} give it, re-reads that (or everything, periodically, for changes no event reported:
 * NFS, some CSI volumes) and publishes; any failure is logged and retried with a full rescan, never ending the
 * thread. While another server leads it serves the catalog that one published, looking for a new one every
 * second. Each election starts a new {@link Indexer}: what an earlier term remembered may be older than
 * another leader's work.
 */
final class IndexLoop {

    private static final Logger LOG = Logger.getLogger(IndexLoop.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often a follower looks for a new catalog and the leader for change notes. */
    private static final long POLL_MILLIS = 1000;
    /** How often a follower looks whether the leader published what its uploads handed over. */
    private static final long HANDOVER_CHECK_MILLIS = 100;
    /**
     * How often the hash cache is saved after the passes that follow uploads and copies. A crash loses at
     * most this much of it, which costs hashing those files again at the next start.
     */
    private static final Duration CACHE_SAVE_INTERVAL = Duration.ofSeconds(10);

    private final ImageStore store;
    private final Leadership leadership;
    private final HashCache cache;
    private final Supplier<Indexer> newIndexer;
    private final Duration rescanInterval;
    private final ChangeQueue queue;
    private final Handover handover;
    private final CatalogFollower follower;
    private final UploadLeftovers leftovers;
    private final LastPublication lastPublication;
    private final RunStatistics statistics = new RunStatistics();
    /** Counted down when the first pass of this server has published. */
    private final CountDownLatch firstPass = new CountDownLatch(1);
    private volatile Indexer indexer;
    private volatile boolean leading;
    private volatile PublishedCatalog followed;
    /** What this server published before its last clean stop, served until its first pass has published. */
    private volatile PublishedCatalog beforeRestart;
    private volatile boolean stopping;
    private Thread thread;

    IndexLoop(ImageStore store, Leadership leadership, HashCache cache, Supplier<Indexer> newIndexer,
            Duration rescanInterval, ChangeQueue queue, Handover handover, CatalogFollower follower,
            UploadLeftovers leftovers, LastPublication lastPublication) {
        this.store = store;
        this.leadership = leadership;
        this.cache = cache;
        this.newIndexer = newIndexer;
        this.rescanInterval = rescanInterval;
        this.queue = queue;
        this.handover = handover;
        this.follower = follower;
        this.leftovers = leftovers;
        this.lastPublication = lastPublication;
        this.indexer = newIndexer.get();
    }

    CountDownLatch firstPass() {
        return firstPass;
    }

    void start() {
        thread = DaemonThreads.start("indexer", this::run);
    }

    /**
     * The catalog this server serves: its own while it leads and has published, else the leader's, else until
     * either exists the one it published before its last clean stop.
     */
    PublishedCatalog current() {
        PublishedCatalog own = leading ? indexer.current() : null;
        if (own != null) {
            return own;
        }
        return followed != null ? followed : beforeRestart;
    }

    /** Whether this server indexes now, so that an upload may be indexed in the request's thread. */
    boolean leads() {
        return leading && leadership.isLeader();
    }

    Indexer indexer() {
        return indexer;
    }

    /** The leader's catalog, read again now: after a hand-over, the one that should include it. */
    PublishedCatalog followNow() throws IOException {
        followed = follower.poll();
        return current();
    }

    Indexing.Status status() {
        return statistics.snapshot(thread != null && thread.isAlive(), indexer, leading, leadership.leader());
    }

    /** Stops the thread and waits for it; the caller has closed the leadership first. */
    void stop() {
        stopping = true;
        DaemonThreads.stop(thread);
    }

    /** After {@link #stop}: records what this server published, for the next start to serve at once. */
    void recordLastPublication() {
        PublishedCatalog own = leading ? indexer.current() : null;
        if (own == null) {
            return;
        }
        try {
            lastPublication.record(own);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "recording the catalogue published last failed; the next start serves one only "
                    + "once it has built it", e);
        }
    }

    private void run() {
        try {
            beforeRestart = lastPublication.load();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "reading the catalogue published before the last stop failed: " + e.getMessage()
                    + "; it is served once the first pass has built it again");
        }
        long nextRescan = 0;
        long nextNotes = 0;
        long nextCacheSave = 0;
        while (!stopping) {
            if (leadership.isLeader() != leading) {
                if (leading) {
                    leading = false;
                } else {
                    takeOver();
                    nextRescan = 0;
                }
            }
            if (!leading) {
                follow();
                continue;
            }
            if (System.nanoTime() >= nextNotes) {
                handover.take(cache, queue);
                nextNotes = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
            }
            ChangeQueue.Work work;
            List<ChangeNotes.Taken> published = handover.held();
            try {
                work = queue.next(!published.isEmpty(), nextRescan, POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (work == null) {
                continue;
            }
            long started = System.nanoTime();
            try {
                Set<VersionKey> batch = work.versions();
                if (!published.isEmpty()) {
                    // Committed by another replica: whole, however recently written.
                    Set<VersionKey> handedOver = Handover.versions(published);
                    batch.removeAll(handedOver);
                    indexer.refresh(handedOver, true);
                }
                if (work.rescan()) {
                    indexer.fullScan();
                    nextRescan = System.nanoTime() + rescanInterval.toNanos();
                    leftovers.afterRescan();
                } else {
                    indexer.refresh(batch, false);
                    if (System.nanoTime() >= nextCacheSave) {
                        indexer.saveCache();
                        nextCacheSave = System.nanoTime() + CACHE_SAVE_INTERVAL.toNanos();
                    }
                }
                queue.retry(indexer.takeRetries());
                statistics.succeeded(started);
                handover.published(published);
                firstPass.countDown();
                beforeRestart = null;
                leftovers.afterPass();
            } catch (StaleWriteException e) {
                // Another replica published meanwhile; the store now knows that version, so look again at once.
                LOG.info(e.getMessage());
                queue.requestRescan();
            } catch (Throwable e) {
                if (stopping) {
                    return;
                }
                int failed = statistics.failed(started, e);
                LOG.log(Level.SEVERE, "indexing failed (attempt " + failed + "); retrying with a full rescan", e);
                queue.requestRescan();
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(5, failed - 1));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Elected: start from what the previous leader saved, and clean up after replicas that died mid-upload. */
    private void takeOver() {
        LOG.info("indexing as the elected replica");
        try {
            cache.merge(store);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "taking over: " + e.getMessage() + "; files may be hashed again", e);
        }
        leftovers.elected();
        indexer = newIndexer.get();
        handover.forgetHeld();
        queue.restart();
        leading = true;
    }

    private void follow() {
        try {
            followed = follower.poll();
            if (followed != null) {
                // Served from now on instead: a replica that never leads has no first pass to let it go.
                beforeRestart = null;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "reading the published catalogue failed: " + e.getMessage());
        }
        handover.lookForPublished();
        try {
            queue.pause(handover.anyWaiting() ? HANDOVER_CHECK_MILLIS : POLL_MILLIS);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }
}
