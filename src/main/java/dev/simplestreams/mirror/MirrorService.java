package dev.simplestreams.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.concurrent.DaemonThreads;
import dev.simplestreams.coordination.Leadership;
import dev.simplestreams.mirror.MirrorConfig.Remote;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.Pruner;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pulls the configured remotes into the store, periodically and on demand, on the leading replica only.
 * Each sync reads the upstream's index.json and images.json (conditionally: an unchanged upstream costs
 * those two requests), plans what this server should hold, fetches what is missing through the store's
 * pending files (verified before anything becomes visible), and hands versions the upstream dropped to a
 * pruner with the same grace period as local retention. A failing remote changes nothing here and is
 * reported; the others go on.
 *
 * <p>Longer than 300 lines: the sync loop, its status and the pruning it hands over share one sync's state.
 */
public final class MirrorService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MirrorService.class.getName());
    private static final String RETIRED_STATE = "mirror-retired.json";

    /** The mirror's part of the status document. */
    public record Status(@JsonProperty("interval_seconds") long intervalSeconds, boolean leader, boolean syncing,
            List<RemoteStatus> remotes, @JsonProperty("scheduled_deletions") Map<String, String> scheduledDeletions) {
    }

    /**
     * One remote: its last sync, what it fetched so far, what went wrong in the last sync ({@code problems}: the
     * URL and reason; nothing of it changed the store) and what was left out on purpose ({@code skipped}: filters
     * passed but the layout or a local product forbade it).
     */
    public record RemoteStatus(String name, String url, String state,
            @JsonProperty("last_started") String lastStarted, @JsonProperty("last_finished") String lastFinished,
            @JsonProperty("last_success") String lastSuccess, @JsonProperty("last_error") String lastError,
            Progress.Snapshot progress, @JsonProperty("fetched_files") long fetchedFiles,
            @JsonProperty("fetched_bytes") long fetchedBytes, List<Map<String, String>> problems,
            List<Map<String, String>> skipped) {
    }

    private final ImageStore store;
    private final Supplier<PublishedCatalog> catalog;
    private final Runnable catalogChanged;
    private final Leadership leadership;
    private final MirrorSettings settings;
    private final MirrorEvents events;
    private final Installer installer;
    private final UpstreamClient client;
    private final MirrorState state;
    private final Pruner pruner;
    private final Map<String, RemoteState> remotes = new LinkedHashMap<>();
    private final Object lock = new Object();
    private boolean requested = true;
    private volatile boolean syncing;
    /** The remote being synced now, or null. */
    private volatile String current;
    private volatile boolean stopping;
    private Thread thread;

    /** What is known of one remote between syncs. */
    private static final class RemoteState {
        final Remote remote;
        final AtomicLong fetchedFiles = new AtomicLong();
        final AtomicLong fetchedBytes = new AtomicLong();
        volatile UpstreamClient.Document index;
        /** Each products document as last read (with its body, so one that did not change can be planned again). */
        volatile Map<URI, UpstreamClient.Document> documents = Map.of();
        volatile boolean clean;
        volatile Instant lastStarted;
        volatile Instant lastFinished;
        volatile Instant lastSuccess;
        volatile String lastError;
        volatile Progress progress;
        volatile List<Problem> problems = List.of();
        volatile List<Problem> skipped = List.of();
        /** Versions this remote owns that its upstream no longer lists; kept while the upstream cannot be read. */
        volatile Set<VersionKey> retired = Set.of();

        RemoteState(Remote remote) {
            this.remote = remote;
        }
    }

    /** {@code cache} is the indexer's: it learns each fetched file's hashes, so the indexer need not read it. */
    public MirrorService(MirrorConfig config, ImageStore store, HashCache cache, Supplier<PublishedCatalog> catalog,
            Runnable catalogChanged, Leadership leadership, MirrorSettings settings, MirrorEvents events,
            UnaryOperator<String> environment, AuditTrail audit) throws IOException {
        this.store = store;
        this.catalog = catalog;
        this.catalogChanged = catalogChanged;
        this.leadership = leadership;
        this.settings = settings;
        this.events = events;
        this.client = new UpstreamClient(config.caFile(), environment);
        this.state = new MirrorState(store);
        this.installer = new Installer(store, cache, new Fetcher(client, store, settings.attempts(),
                settings.retryDelay().toMillis()), state, events, audit);
        this.pruner = new Pruner(store, settings.retentionGrace(), RETIRED_STATE, "no longer listed by its upstream",
                (directory, why) -> audit.pruned("mirror", directory, why));
        config.remotes().forEach(r -> remotes.put(r.name(), new RemoteState(r)));
    }

    public void start() {
        thread = DaemonThreads.start("mirror", this::loop);
    }

    /** Asks for a sync of every remote as soon as the current one (if any) ends; false when another replica leads. */
    public boolean requestSync() {
        if (!leadership.isLeader()) {
            return false;
        }
        synchronized (lock) {
            requested = true;
            lock.notifyAll();
        }
        return true;
    }

    public Status status() {
        List<RemoteStatus> list = new ArrayList<>();
        for (RemoteState rs : remotes.values()) {
            Progress progress = rs.progress;
            list.add(new RemoteStatus(rs.remote.name(), rs.remote.url().toString(),
                    rs.remote.name().equals(current) ? "syncing" : "idle",
                    text(rs.lastStarted), text(rs.lastFinished), text(rs.lastSuccess), rs.lastError,
                    progress == null ? null : progress.snapshot(), rs.fetchedFiles.get(), rs.fetchedBytes.get(),
                    view(rs.problems), view(rs.skipped)));
        }
        Map<String, String> deletions = new TreeMap<>();
        pruner.schedule().forEach((dir, when) -> deletions.put(dir, when.toString()));
        return new Status(settings.interval().toSeconds(), leadership.isLeader(), syncing, list, deletions);
    }

    private static List<Map<String, String>> view(List<Problem> problems) {
        List<Map<String, String>> view = new ArrayList<>();
        problems.forEach(p -> view.add(Map.of("where", p.path(), "reason", p.reason())));
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private void loop() {
        long next = 0;
        while (!stopping) {
            try {
                synchronized (lock) {
                    long now = System.nanoTime();
                    if (!requested && now < next) {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now)));
                        continue;
                    }
                    requested = false;
                }
                if (catalog.get() == null) {
                    // Conflicts are judged against the local catalogue: wait until it exists.
                    Thread.sleep(500);
                    synchronized (lock) {
                        requested = true;
                    }
                    continue;
                }
                next = System.nanoTime() + settings.interval().toNanos();
                if (leadership.isLeader()) {
                    syncAll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                // A bug or a failing store must not end mirroring: the next interval tries again.
                LOG.log(Level.SEVERE, "mirror sync failed; retrying at the next interval", e);
            }
        }
    }

    private void syncAll() throws IOException, InterruptedException {
        syncing = true;
        boolean changed = false;
        try {
            for (RemoteState rs : remotes.values()) {
                current = rs.remote.name();
                changed |= sync(rs);
            }
            current = null;
            Set<VersionKey> retired = new HashSet<>();
            remotes.values().forEach(rs -> retired.addAll(rs.retired));
            pruner.apply(retired, Instant.now());
            // What is no longer scheduled was deleted: the mirror owns it no more.
            Set<String> scheduled = pruner.schedule().keySet();
            for (RemoteState rs : remotes.values()) {
                Set<VersionKey> waiting = new HashSet<>();
                for (VersionKey key : rs.retired) {
                    if (scheduled.contains(key.directory())) {
                        waiting.add(key);
                    } else {
                        state.release(key.directory());
                        changed = true;
                    }
                }
                rs.retired = Set.copyOf(waiting);
            }
        } finally {
            current = null;
            syncing = false;
        }
        if (changed) {
            catalogChanged.run();
        }
    }

    /** Returns whether anything in the store changed. */
    private boolean sync(RemoteState rs) throws InterruptedException {
        Remote remote = rs.remote;
        Instant started = Instant.now();
        rs.lastStarted = started;
        rs.progress = null;
        List<Problem> problems = new ArrayList<>();
        boolean changed = false;
        try {
            URI indexUrl = SignedUpstream.indexUrl(remote);
            UpstreamClient.Document index = SignedUpstream.verified(remote.keyring(), indexUrl,
                    fetch(remote, indexUrl, rs.clean ? rs.index : null));
            List<URI> imagesUrls = index.body() == null ? List.copyOf(rs.documents.keySet())
                    : UpstreamCatalog.imagesUrls(remote.url(), indexUrl, index.body()).stream()
                            .map(url -> SignedUpstream.documentUrl(remote, url)).distinct().toList();
            Map<URI, UpstreamClient.Document> documents = new LinkedHashMap<>();
            boolean unchanged = rs.clean && imagesUrls.equals(List.copyOf(rs.documents.keySet()));
            for (URI imagesUrl : imagesUrls) {
                UpstreamClient.Document before = rs.clean ? rs.documents.get(imagesUrl) : null;
                UpstreamClient.Document images = SignedUpstream.verified(remote.keyring(), imagesUrl,
                        fetch(remote, imagesUrl, before));
                unchanged &= images.body() == null;
                documents.put(imagesUrl, images.body() == null ? before : images);
            }
            if (unchanged) {
                LOG.fine(() -> "mirror " + remote.name() + ": upstream unchanged");
            } else {
                List<UpstreamCatalog.Product> products = new ArrayList<>();
                for (Map.Entry<URI, UpstreamClient.Document> document : documents.entrySet()) {
                    products.addAll(UpstreamCatalog.products(document.getKey(), document.getValue().body()));
                }
                Planner.Plan plan = Planner.plan(remote, remote.url(), products,
                        new LocalContent(store, state, catalog.get(), remote.name()));
                rs.skipped = plan.problems();
                plan.problems().forEach(p -> LOG.info("mirror " + remote.name() + ": skipped " + p));
                List<Problem> refused = new ArrayList<>();
                changed = installer.install(remote.name(), plan, problems, refused, p -> rs.progress = p, bytes -> {
                    rs.fetchedFiles.incrementAndGet();
                    rs.fetchedBytes.addAndGet(bytes);
                });
                refused.forEach(p -> LOG.info("mirror " + remote.name() + ": skipped " + p));
                refused.addAll(plan.problems());
                Collections.sort(refused);
                rs.skipped = List.copyOf(refused);
                Set<VersionKey> retired = new HashSet<>();
                Set<String> wanted = new HashSet<>();
                plan.versions().forEach(v -> wanted.add(v.key().directory()));
                for (String dir : state.ownedBy(remote.name())) {
                    if (!wanted.contains(dir)) {
                        retired.add(Layout.parseVersionDirectory(dir));
                    }
                }
                rs.retired = Set.copyOf(retired);
            }
            rs.index = index;
            rs.documents = documents;
        } catch (UpstreamException e) {
            problems.add(new Problem(e.url().toString(), e.reason()));
            events.failed(remote.name());
        } catch (IOException | LayoutException e) {
            problems.add(new Problem(remote.url().toString(), "sync failed here: " + e));
            events.failed(remote.name());
        }
        boolean failed = !problems.isEmpty();
        rs.clean = !failed;
        rs.problems = List.copyOf(problems);
        rs.lastError = failed ? problems.get(0).toString() : null;
        Instant finished = Instant.now();
        rs.lastFinished = finished;
        if (!failed) {
            rs.lastSuccess = finished;
            events.synced(remote.name(), finished);
        }
        problems.forEach(p -> LOG.warning("mirror " + remote.name() + ": " + p));
        Progress progress = rs.progress;
        LOG.info("mirror " + remote.name() + ": sync " + (failed ? "ended with problems" : "done") + " in "
                + Duration.between(started, finished).toMillis() + " ms"
                + (progress == null ? "" : "; " + progress.snapshot()));
        return changed;
    }

    private UpstreamClient.Document fetch(Remote remote, URI url, UpstreamClient.Document previous)
            throws UpstreamException, InterruptedException {
        try {
            return client.document(url, previous);
        } catch (UpstreamException e) {
            throw SignedUpstream.unavailable(remote, e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        DaemonThreads.stop(thread);
    }
}
