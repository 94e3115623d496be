package dev.simplestreams.indexer;

import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.concurrent.DaemonThreads;
import dev.simplestreams.coordination.Leadership;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background indexer, assembled: the {@link IndexLoop} on its thread, the {@link WatcherThread} of a local
 * data root, the {@link ChangeQueue} between them, the {@link Handover} of uploads through other replicas, and
 * the pool of threads that hash files. Started and closed with the server; everything else sees it as
 * {@link Indexing}.
 *
 * <p>With several replicas on one store only the elected one indexes and prunes. The others serve the
 * catalog it published and hand their uploads to it.
 */
public final class IndexerService implements Indexing, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IndexerService.class.getName());
    /** How long an upload through a follower waits for the leader to publish it before answering. */
    private static final Duration HANDOVER_WAIT = Duration.ofSeconds(15);
    /** How long closing waits for the hash threads to finish the file each is reading. */
    private static final Duration HASH_THREADS_STOP = Duration.ofSeconds(10);

    private final HashCache cache;
    private final Path watchedRoot;
    private final Leadership leadership;
    private final ExecutorService hashPool;
    private final ChangeQueue queue;
    private final Handover handover;
    private final IndexLoop loop;
    private WatcherThread watcher;

    /**
     * {@code cache} is shared with the upload path, which fills it while bytes stream in; {@code watchedRoot}
     * is the local data root to watch for file events, or null for stores without them. {@code leadership}
     * says whether this server indexes; it is started here and closed with the service.
     */
    public IndexerService(ImageStore store, HashCache cache, Path watchedRoot, IndexingSettings settings,
            Leadership leadership) {
        this(store, cache, watchedRoot, settings, leadership, AuditTrail.NONE);
    }

    /** As above, recording the versions retention deletes in {@code audit}. */
    public IndexerService(ImageStore store, HashCache cache, Path watchedRoot, IndexingSettings settings,
            Leadership leadership, AuditTrail audit) {
        this.cache = cache;
        this.watchedRoot = watchedRoot;
        this.leadership = leadership;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.hashPool = Executors.newFixedThreadPool(threads, DaemonThreads.named("hash"));
        this.queue = new ChangeQueue(settings.quietPeriod());
        this.handover = new Handover(new ChangeNotes(store));
        this.loop = new IndexLoop(store, leadership, cache, () -> new Indexer(store, cache, hashPool,
                settings.keepVersions(), settings.retentionGrace(), settings.quietPeriod(), audit,
                settings.signer(), settings.catalogSplitBytes()),
                settings.rescanInterval(), queue, handover, new CatalogFollower(store),
                new UploadLeftovers(store, settings.conflictRetention()),
                new LastPublication(store, settings.signer() == null ? null : settings.signer().fingerprint()));
    }

    public void start() throws IOException {
        if (watchedRoot != null) {
            watcher = new WatcherThread(watchedRoot, queue, loop.firstPass());
        }
        leadership.start(new Leadership.Listener() {
            @Override
            public void elected() {
                queue.wake();
            }

            @Override
            public void deposed() {
                queue.wake();
            }
        });
        loop.start();
    }

    @Override
    public PublishedCatalog current() {
        return loop.current();
    }

    /**
     * The leader indexes the version in the caller's thread. A follower leaves a change note for the leader
     * instead and waits, a few seconds at most, until the leader has published it.
     */
    @Override
    public PublishedCatalog refreshNow(VersionKey version) throws IOException {
        if (loop.leads()) {
            return loop.indexer().refresh(List.of(version), true);
        }
        String note = handover.leave(version, cache.under(version.directory()));
        queue.wake();
        handover.await(note, HANDOVER_WAIT);
        PublishedCatalog catalog = loop.followNow();
        if (catalog == null) {
            throw new IOException("handed to the indexing replica (" + leadership.leader()
                    + "), which has not published a catalogue yet");
        }
        return catalog;
    }

    @Override
    public void requestRescan() {
        queue.requestRescan();
    }

    @Override
    public Status status() {
        return loop.status();
    }

    @Override
    public Map<String, Instant> deletionSchedule() {
        return loop.indexer().deletionSchedule();
    }

    /**
     * Stops every thread it started, the hash threads included, and saves the hash cache and what was published
     * last.
     */
    @Override
    public void close() {
        loop.stop();
        loop.recordLastPublication();
        if (watcher != null) {
            watcher.close();
        }
        leadership.close();
        hashPool.shutdownNow();
        try {
            if (!hashPool.awaitTermination(HASH_THREADS_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("a hash thread is still reading a file after " + HASH_THREADS_STOP);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            loop.indexer().saveCache();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "saving the hash cache at shutdown failed; changed files are hashed again at "
                    + "start", e);
        }
    }
}
