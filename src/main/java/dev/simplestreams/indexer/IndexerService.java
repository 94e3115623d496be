package dev.simplestreams.indexer;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.concurrent.DaemonThreads;
import dev.simplestreams.coordination.Leadership;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StaleWriteException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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
 *
 * <p>With several replicas on one store only the elected one indexes and prunes. The others serve the
 * catalogue it published, looking for a new one every second, and hand their uploads to it through
 * {@link ChangeNotes}, which it also looks for every second.
 */
public final class IndexerService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IndexerService.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often a follower looks for a new catalogue and the leader for change notes. */
    private static final long POLL_MILLIS = 1000;
    /**
     * How often the hash cache is saved after the passes that follow uploads and copies. A crash loses at
     * most this much of it, which costs hashing those files again at the next start.
     */
    private static final Duration CACHE_SAVE_INTERVAL = Duration.ofSeconds(10);
    /** How long an upload through a follower waits for the leader to publish it before answering. */
    private static final Duration HANDOVER_WAIT = Duration.ofSeconds(15);
    /** Uploads abandoned by a crash (no server still writes them after this long) are removed after election. */
    private static final Duration ABANDONED_AFTER = Duration.ofDays(1);
    /** Stored-aside uploads are looked for after a full rescan, but no more often than this: it walks the tree. */
    private static final Duration STORED_ASIDE_CHECK_INTERVAL = Duration.ofHours(1);
    /** The watcher starts after the first pass, or after this long if that pass keeps failing. */
    private static final Duration FIRST_PASS_WAIT = Duration.ofMinutes(1);
    /** Readiness turns false after this many failed passes in a row: one can be a file vanishing mid-read. */
    public static final int FAILURES_BEFORE_UNREADY = 3;

    /**
     * {@code quietPeriod}: how long a directory must see no event before it is read, so a file copied in by
     * another tool is read once it is complete. {@code rescanInterval}: time between full rescans.
     * {@code keepVersions} (0: all) and {@code retentionGrace}: see {@link Indexer}. {@code conflictRetention}:
     * how long an upload stored aside is kept.
     */
    public record Settings(Duration quietPeriod, Duration rescanInterval, int keepVersions, Duration retentionGrace,
            Duration conflictRetention) {
    }

    /** What the health endpoints and the status document report. */
    public record Status(boolean indexing, Instant lastIndexed, long lastDurationMillis,
            String lastError, int consecutiveFailures, long filesRead, long bytesRead, long catalogueWrites,
            long runs, long failedRuns, long totalRunMillis, boolean leading, String leader) {
    }

    private final ImageStore store;
    private final HashCache cache;
    private final Leadership leadership;
    private final CatalogFollower follower;
    private final ChangeNotes notes;
    /** Made anew on each election: what an earlier term remembered may be older than another leader's work. */
    private volatile Indexer indexer;
    private volatile boolean leading;
    /** Counted down when the first pass of this server has published. */
    private final CountDownLatch firstPass = new CountDownLatch(1);
    /** Set on election; only the index thread reads and clears it. */
    private boolean cleanupDue;
    private volatile PublishedCatalog followed;
    /** Change notes taken and not yet published, by name. */
    private final Map<String, ChangeNotes.Taken> heldNotes = new LinkedHashMap<>();
    private final Path watchedRoot;
    private final Settings settings;
    private final ExecutorService hashPool;
    private final StoredAsideCleaner storedAside;
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
     * is the local data root to watch for file events, or null for stores without them. {@code leadership}
     * says whether this server indexes; it is started here and closed with the service.
     */
    public IndexerService(ImageStore store, HashCache cache, Path watchedRoot, Settings settings,
            Leadership leadership) {
        this.store = store;
        this.cache = cache;
        this.watchedRoot = watchedRoot;
        this.settings = settings;
        this.leadership = leadership;
        this.follower = new CatalogFollower(store);
        this.notes = new ChangeNotes(store);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.hashPool = Executors.newFixedThreadPool(threads, DaemonThreads.named("hash"));
        this.indexer = newIndexer();
        this.storedAside = new StoredAsideCleaner(store, settings.conflictRetention());
    }

    private Indexer newIndexer() {
        return new Indexer(store, cache, hashPool, settings.keepVersions(), settings.retentionGrace(),
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
            watchThread = DaemonThreads.named("watcher").newThread(this::watchLoop);
            watchThread.start();
        }
        leadership.start(new Leadership.Listener() {
            @Override
            public void elected() {
                wake();
            }

            @Override
            public void deposed() {
                wake();
            }
        });
        indexThread = DaemonThreads.named("indexer").newThread(this::indexLoop);
        indexThread.start();
    }

    /** The catalogue this server serves: its own while it leads and has published, else the leader's. */
    public PublishedCatalog current() {
        PublishedCatalog own = leading ? indexer.current() : null;
        return own != null ? own : followed;
    }

    /**
     * Indexes the given version now, for the upload path: the response can then say it is published. A
     * follower leaves a change note for the leader instead and waits, a few seconds at most, for its catalogue.
     */
    public PublishedCatalog refreshNow(VersionKey version) throws IOException {
        if (leading && leadership.isLeader()) {
            return indexer.refresh(List.of(version), true);
        }
        String note = notes.leave(version, cache.under(version.directory()));
        long deadline = System.nanoTime() + HANDOVER_WAIT.toNanos();
        try {
            while (notes.isPending(note) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        followed = follower.poll();
        PublishedCatalog catalog = current();
        if (catalog == null) {
            throw new IOException("handed to the indexing replica (" + leadership.leader()
                    + "), which has not published a catalogue yet");
        }
        return catalog;
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
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
                totalRunMillis.get(), leading, leadership.leader());
    }

    private void watchLoop() {
        try {
            // Setting the watches up beside the first pass slowed it as much as it saved: both walk the tree on
            // the same cores. After it, the server already serves while they are set up.
            firstPass.await(FIRST_PASS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
        long nextNotes = 0;
        long nextCacheSave = 0;
        long nextStoredAsideCheck = 0;
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
                takeNotes();
                nextNotes = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
            }
            Set<VersionKey> batch;
            boolean rescan;
            List<ChangeNotes.Taken> published;
            try {
                synchronized (lock) {
                    long now = System.nanoTime();
                    long quiet = settings.quietPeriod().toNanos();
                    boolean work = rescanRequested || !pending.isEmpty() || !heldNotes.isEmpty();
                    if (!work && now < nextRescan) {
                        lock.wait(Math.max(1, Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(nextRescan - now))));
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
                    published = new ArrayList<>(heldNotes.values());
                }
            } catch (InterruptedException e) {
                return;
            }
            long started = System.nanoTime();
            try {
                if (!published.isEmpty()) {
                    // Committed by another replica: whole, however recently written.
                    Set<VersionKey> handedOver = new LinkedHashSet<>();
                    published.forEach(note -> handedOver.add(note.version()));
                    batch.removeAll(handedOver);
                    indexer.refresh(handedOver, true);
                }
                if (rescan) {
                    indexer.fullScan();
                    nextRescan = System.nanoTime() + settings.rescanInterval().toNanos();
                    if (System.nanoTime() >= nextStoredAsideCheck) {
                        removeExpiredStoredAside();
                        nextStoredAsideCheck = System.nanoTime() + STORED_ASIDE_CHECK_INTERVAL.toNanos();
                    }
                } else {
                    indexer.refresh(batch, false);
                    if (System.nanoTime() >= nextCacheSave) {
                        indexer.saveCache();
                        nextCacheSave = System.nanoTime() + CACHE_SAVE_INTERVAL.toNanos();
                    }
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
                releaseNotes(published);
                firstPass.countDown();
                if (cleanupDue) {
                    cleanupDue = false;
                    removeAbandonedUploads();
                }
            } catch (StaleWriteException e) {
                // Another replica published meanwhile; the store now knows that version, so look again at once.
                LOG.info(e.getMessage());
                requestRescan();
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

    /**
     * After the first pass of an election, off the way to the first catalogue: walking the whole tree for
     * them took half a second of a start at 10,000 versions.
     */
    private void removeAbandonedUploads() {
        try {
            int removed = store.removeAbandonedUploads(ABANDONED_AFTER);
            if (removed > 0) {
                LOG.info("removed " + removed + " abandoned upload(s)");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing abandoned uploads: " + e.getMessage()
                    + "; tried again on the next election", e);
        }
    }

    /** A failure here is no failure of indexing: the next check tries again. */
    private void removeExpiredStoredAside() {
        try {
            storedAside.removeExpired(Instant.now());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing expired stored-aside uploads: " + e.getMessage(), e);
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
        cleanupDue = true;
        indexer = newIndexer();
        synchronized (lock) {
            heldNotes.clear();
            rescanRequested = true;
            lastEventNanos = 0;
        }
        leading = true;
    }

    private void follow() {
        try {
            followed = follower.poll();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "reading the published catalogue failed: " + e.getMessage());
        }
        synchronized (lock) {
            try {
                lock.wait(POLL_MILLIS);
            } catch (InterruptedException e) {
                stopping = true;
            }
        }
    }

    private void takeNotes() {
        try {
            List<ChangeNotes.Taken> taken = notes.take(cache);
            synchronized (lock) {
                for (ChangeNotes.Taken note : taken) {
                    if (heldNotes.putIfAbsent(note.name(), note) == null) {
                        // The files are complete (the other replica committed them): no quiet period.
                        lastEventNanos = System.nanoTime() - settings.quietPeriod().toNanos();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "reading change notes failed: " + e.getMessage());
        }
    }

    /** The catalogue just published includes these notes' versions: the uploaders may stop waiting. */
    private void releaseNotes(List<ChangeNotes.Taken> published) {
        if (published.isEmpty()) {
            return;
        }
        try {
            notes.done(published);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing change notes failed: " + e.getMessage() + "; they are read again");
        } finally {
            synchronized (lock) {
                published.forEach(note -> heldNotes.remove(note.name()));
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        leadership.close();
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            LOG.fine(() -> "closing the watcher: " + e);
        }
        DaemonThreads.stop(indexThread);
        DaemonThreads.stop(watchThread);
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
}
