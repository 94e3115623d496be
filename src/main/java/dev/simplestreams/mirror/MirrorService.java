package dev.simplestreams.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.coordination.Leadership;
import dev.simplestreams.indexer.Pruner;
import dev.simplestreams.mirror.MirrorConfig.Remote;
import dev.simplestreams.store.FileExistsException;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class MirrorService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MirrorService.class.getName());
    private static final String RETIRED_STATE = "mirror-retired.json";
    private static final String METADATA_JSON = "metadata.json";
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** {@code attempts}: tries per file (the later ones resume with Range); {@code retryDelay} between them. */
    public record Settings(Duration interval, Duration retentionGrace, int attempts, Duration retryDelay) {
    }

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

    private final MirrorConfig config;
    private final ImageStore store;
    private final HashCache cache;
    private final Supplier<PublishedCatalog> catalogue;
    private final Runnable catalogueChanged;
    private final Leadership leadership;
    private final Settings settings;
    private final MirrorEvents events;
    private final Fetcher fetcher;
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
        volatile UpstreamClient.Document images;
        volatile URI imagesUrl;
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
    public MirrorService(MirrorConfig config, ImageStore store, HashCache cache, Supplier<PublishedCatalog> catalogue,
            Runnable catalogueChanged, Leadership leadership, Settings settings, MirrorEvents events,
            UnaryOperator<String> environment) throws IOException {
        this.config = config;
        this.store = store;
        this.cache = cache;
        this.catalogue = catalogue;
        this.catalogueChanged = catalogueChanged;
        this.leadership = leadership;
        this.settings = settings;
        this.events = events;
        this.client = new UpstreamClient(config.caFile(), environment);
        this.fetcher = new Fetcher(client, store, settings.attempts(), settings.retryDelay().toMillis());
        this.state = new MirrorState(store);
        this.pruner = new Pruner(store, settings.retentionGrace(), RETIRED_STATE, "no longer listed by its upstream");
        config.remotes().forEach(r -> remotes.put(r.name(), new RemoteState(r)));
    }

    public void start() {
        thread = new Thread(this::loop, "simplestreams-mirror");
        thread.setDaemon(true);
        thread.start();
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
                if (catalogue.get() == null) {
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
            Set<String> scheduled = pruner.schedule().keySet();
            for (RemoteState rs : remotes.values()) {
                for (VersionKey key : rs.retired) {
                    if (!scheduled.contains(key.directory())) {
                        state.release(key.directory());
                        changed = true;
                    }
                }
            }
        } finally {
            current = null;
            syncing = false;
        }
        if (changed) {
            catalogueChanged.run();
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
            URI indexUrl = remote.url().resolve(UpstreamCatalog.INDEX);
            UpstreamClient.Document index = client.document(indexUrl, rs.clean ? rs.index : null);
            URI imagesUrl = index.body() == null ? rs.imagesUrl
                    : UpstreamCatalog.imagesUrl(remote.url(), indexUrl, index.body());
            UpstreamClient.Document images = client.document(imagesUrl,
                    rs.clean && imagesUrl.equals(rs.imagesUrl) ? rs.images : null);
            if (images.body() == null) {
                LOG.fine(() -> "mirror " + remote.name() + ": upstream unchanged");
            } else {
                List<UpstreamCatalog.Product> products = UpstreamCatalog.products(imagesUrl, images.body());
                Planner.Plan plan = Planner.plan(remote, remote.url(), products, local(remote.name()));
                rs.skipped = plan.problems();
                plan.problems().forEach(p -> LOG.info("mirror " + remote.name() + ": skipped " + p));
                changed = fetchAll(rs, plan, problems);
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
            rs.images = images;
            rs.imagesUrl = imagesUrl;
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

    /** Fetches what the plan wants and the store lacks; returns whether anything was written. */
    private boolean fetchAll(RemoteState rs, Planner.Plan plan, List<Problem> problems)
            throws IOException, InterruptedException {
        Map<Planner.WantedVersion, List<Planner.WantedFile>> missing = new LinkedHashMap<>();
        long files = 0;
        long bytes = 0;
        boolean changed = false;
        for (Planner.WantedVersion version : plan.versions()) {
            List<Planner.WantedFile> needed = new ArrayList<>();
            for (Planner.WantedFile file : version.files()) {
                Optional<StoredFile> present = stat(version.key().file(file.name()));
                if (present.isEmpty() || present.get().size() != file.size()) {
                    needed.add(file);
                    files++;
                    bytes += file.size();
                }
            }
            if (!needed.isEmpty()) {
                missing.put(version, needed);
            } else {
                changed |= writeMetadataJson(rs.remote.name(), version);
            }
        }
        Progress progress = new Progress(files, bytes);
        rs.progress = progress;
        if (!missing.isEmpty()) {
            LOG.info("mirror " + rs.remote.name() + ": " + missing.size() + " version(s) to fetch, " + progress.snapshot());
        }
        long[] lastLog = {System.nanoTime()};
        for (Map.Entry<Planner.WantedVersion, List<Planner.WantedFile>> entry : missing.entrySet()) {
            if (stopping) {
                throw new InterruptedException();
            }
            changed |= fetchVersion(rs, entry.getKey(), entry.getValue(), progress, problems, lastLog);
        }
        return changed;
    }

    /**
     * Fetches every missing file of one version into pending files and commits them only when all arrived
     * verified: root files first and the metadata tarball last, so the indexer never sees half a version. The
     * metadata tarball is fetched first, so that its digest continues into each root's fingerprint while the
     * root streams in; the hash cache learns both, and the indexer reads no mirrored root file again.
     */
    private boolean fetchVersion(RemoteState rs, Planner.WantedVersion version, List<Planner.WantedFile> needed,
            Progress progress, List<Problem> problems, long[] lastLog) throws IOException, InterruptedException {
        String remote = rs.remote.name();
        String dir = version.key().directory();
        List<Planner.WantedFile> ordered = new ArrayList<>(needed);
        ordered.sort(Comparator.comparing(f -> !isMetadata(f)));
        List<Fetcher.Fetched> fetched = new ArrayList<>();
        try {
            MessageDigest prefix = null;
            String metaSha = null;
            Optional<Planner.WantedFile> presentMeta = version.files().stream()
                    .filter(f -> isMetadata(f) && !needed.contains(f)).findFirst();
            if (presentMeta.isPresent()) {
                prefix = digestOf(version.key().file(presentMeta.get().name()));
                metaSha = presentMeta.get().sha256();
            }
            for (Planner.WantedFile file : ordered) {
                Fetcher.Fetched got = fetcher.fetch(version.key().file(file.name()), file,
                        isRoot(file) ? prefix : null, n -> {
                            progress.bytes(n);
                            long now = System.nanoTime();
                            if (now - lastLog[0] > PROGRESS_LOG_NANOS) {
                                lastLog[0] = now;
                                LOG.info("mirror " + remote + ": " + progress.snapshot());
                            }
                        });
                fetched.add(got);
                if (isMetadata(file)) {
                    prefix = got.state();
                    metaSha = got.sha256();
                }
            }
            state.own(dir, remote);
            writeMetadataJson(remote, version);
            for (int i = ordered.size() - 1; i >= 0; i--) {
                Planner.WantedFile file = ordered.get(i);
                Fetcher.Fetched got = fetched.get(i);
                boolean replace = stat(version.key().file(file.name())).isPresent();
                StoredFile stored = got.pending().commit(replace);
                boolean combined = got.combined() != null;
                cache.put(stored.path(), new HashCache.Entry(stored.size(), stored.modifiedMillis(), got.sha256(),
                        combined ? metaSha : null, got.combined(), null));
                progress.file();
                rs.fetchedFiles.incrementAndGet();
                rs.fetchedBytes.addAndGet(file.size());
                events.fileFetched(remote, file.size());
            }
            LOG.info("mirror " + remote + ": fetched " + dir + "; " + progress.snapshot());
            return true;
        } catch (UpstreamException e) {
            problems.add(new Problem(e.url().toString(), e.reason() + " (version " + dir + " not mirrored this time)"));
            events.failed(remote);
            return false;
        } catch (UnsafePathException | FileExistsException e) {
            problems.add(new Problem(dir, "conflict: " + e.getMessage() + "; the local file wins"));
            events.failed(remote);
            return false;
        } finally {
            for (Fetcher.Fetched got : fetched) {
                got.pending().close();
            }
        }
    }

    /** The unfinished digest of a small file already here (a metadata tarball mirrored earlier). */
    private MessageDigest digestOf(String path) throws IOException, UnsafePathException {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = store.open(path)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest;
    }

    private static boolean isRoot(Planner.WantedFile file) {
        return FileKind.recognise(file.name()).map(r -> r.kind().isRoot()).orElse(false);
    }

    private static boolean isMetadata(Planner.WantedFile file) {
        return FileKind.recognise(file.name()).map(r -> r.kind() == FileKind.METADATA).orElse(false);
    }

    /** Writes or updates the version's override file; returns whether it changed. */
    private boolean writeMetadataJson(String remote, Planner.WantedVersion version) throws IOException {
        if (!remote.equals(state.owner(version.key().directory()))) {
            return false;
        }
        String path = version.key().file(METADATA_JSON);
        try {
            Optional<StoredFile> existing = store.stat(path);
            if (existing.isPresent()) {
                try (InputStream in = store.open(path)) {
                    if (Arrays.equals(in.readNBytes(version.metadataJson().length + 1), version.metadataJson())) {
                        return false;
                    }
                }
            }
            try (ImageStore.PendingFile file = store.create(path)) {
                file.write(version.metadataJson(), 0, version.metadataJson().length);
                file.commit(existing.isPresent());
            }
            return true;
        } catch (UnsafePathException | FileExistsException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private Optional<StoredFile> stat(String path) throws IOException {
        try {
            return store.stat(path);
        } catch (UnsafePathException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    /** This server's own content, as the planner sees it for one remote. */
    private Planner.Local local(String remote) {
        PublishedCatalog current = catalogue.get();
        return new Planner.Local() {
            @Override
            public boolean hasForeignContent(ProductKey product) {
                try {
                    for (StoredFile file : store.list(product.directory())) {
                        String versionDir = file.parent();
                        if (!remote.equals(state.owner(versionDir))) {
                            return true;
                        }
                    }
                    return false;
                } catch (IOException e) {
                    // Unknown is treated as local: the mirror never risks overwriting an upload.
                    return true;
                }
            }

            @Override
            public Optional<String> foreignAliasOwner(String alias, String arch) {
                if (current == null) {
                    return Optional.empty();
                }
                String kernelArch = Architectures.kernelName(arch).orElse(arch);
                for (Map.Entry<String, Product> entry : current.products().entrySet()) {
                    Product product = entry.getValue();
                    boolean sameArch = kernelArch.equals(Architectures.kernelName(product.arch()).orElse(product.arch()));
                    boolean ours = product.versions().values().stream().map(Version::origin).allMatch(remote::equals);
                    if (sameArch && !ours && Arrays.asList(product.aliases().split(",")).contains(alias)) {
                        return Optional.of(entry.getKey());
                    }
                }
                return Optional.empty();
            }
        };
    }

    @Override
    public void close() {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
