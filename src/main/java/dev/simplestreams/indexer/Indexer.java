package dev.simplestreams.indexer;

import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.CatalogBuilder;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Retention;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.catalog.VersionSource;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.Pruner;
import dev.simplestreams.store.StaleWriteException;
import dev.simplestreams.store.StoredFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the catalogue in step with the tree. It remembers what every version directory held when it was
 * last read, so a pass reads only directories whose listing changed, and hashes changed directories in
 * parallel. One pass at a time: uploads and the watcher both go through here, so the last catalogue
 * written always reflects the tree as the last pass saw it.
 *
 * <p>Longer than 300 lines: incremental passes, retention and publication share what each directory held.
 */
public final class Indexer {

    private static final Logger LOG = Logger.getLogger(Indexer.class.getName());
    /**
     * A version with one file of two (the metadata tarball uploaded first, as recommended) is normal while its
     * second file is on the way; only one left like that this long is worth a warning.
     */
    static final Duration INCOMPLETE_GRACE = Duration.ofMinutes(10);
    /** How CatalogBuilder's reasons for a version still waiting for a file begin. */
    private static final String INCOMPLETE = "incomplete:";
    /** Where the pruner keeps when each version left the catalogue. */
    private static final String RETIRED_STATE = "retired.json";

    /**
     * The last pass that read a file or wrote a catalog: the passes that follow a cold build find nothing to
     * do and take no time, which would hide what the build cost.
     */
    public record Change(Instant finished, long durationMillis, long filesRead) {
    }

    private record PassStart(long nanos, long filesRead, long catalogWrites) {
    }

    private final ImageStore store;
    private final HashCache cache;
    private final VersionReader reader;
    private final CatalogPublisher publisher;
    private final ExecutorService hashPool;
    private final int keepVersions;
    private final Pruner pruner;
    private final Duration settleTime;
    private final CatalogBuilder builder = new CatalogBuilder();
    private final Set<VersionKey> retries = new LinkedHashSet<>();
    private final VersionDirectories dirs = new VersionDirectories();
    private final Map<String, Problem> layoutProblems = new TreeMap<>();
    private Set<Problem> loggedProblems = Set.of();
    /** Incomplete versions logged quietly while young: warned about if they stay so past the grace. */
    private final Set<Problem> waitingForFiles = new HashSet<>();
    /**
     * Until a full scan has looked at everything, publishing from what is remembered would drop versions: the whole
     * tree before this indexer's first full scan, another replica's after it published a catalogue this one has not
     * seen the tree of.
     */
    private boolean needsFullScan = true;
    /** What the catalogue now published was built from, so that a pass that changed nothing skips the build. */
    private Map<ProductKey, List<VersionSource>> builtFrom = Map.of();
    private Map<String, Problem> builtWithProblems = Map.of();
    private List<VersionKey> retired = List.of();
    private volatile Change lastChange;

    /**
     * {@code keepVersions}: newest versions kept per product (0: all); older ones leave the catalogue and
     * their files are deleted after {@code retentionGrace}. {@code settleTime}: a file modified more recently
     * than this may still be being written by another tool and is read on a later pass. Publishes the catalogue
     * unsigned, as one products document whatever its size.
     */
    public Indexer(ImageStore store, HashCache cache, ExecutorService hashPool, int keepVersions,
            Duration retentionGrace, Duration settleTime) {
        this(store, cache, hashPool, keepVersions, retentionGrace, settleTime, AuditTrail.NONE, null, Long.MAX_VALUE);
    }

    /**
     * As above, recording the versions retention deletes in {@code audit}; {@code signer} signs the catalog
     * documents it publishes ({@code .sjson}), null: unsigned; {@code catalogSplitBytes}: the catalogue size above
     * which it is published as several products documents.
     */
    public Indexer(ImageStore store, HashCache cache, ExecutorService hashPool, int keepVersions,
            Duration retentionGrace, Duration settleTime, AuditTrail audit, ClearSigner signer,
            long catalogSplitBytes) {
        this.store = store;
        this.cache = cache;
        this.reader = new VersionReader(store, cache);
        this.publisher = new CatalogPublisher(store, signer, catalogSplitBytes);
        this.hashPool = hashPool;
        this.keepVersions = keepVersions;
        this.pruner = new Pruner(store, retentionGrace, RETIRED_STATE, "out of the catalogue (KEEP_VERSIONS)",
                (directory, why) -> audit.pruned("retention", directory, why));
        this.settleTime = settleTime;
    }

    /**
     * Versions left out of the last passes because a file was still changing; the caller reads them again
     * once writing has paused.
     */
    public synchronized Set<VersionKey> takeRetries() {
        Set<VersionKey> taken = Set.copyOf(retries);
        retries.clear();
        return taken;
    }

    /** Retired versions and when their files go. */
    public Map<String, Instant> deletionSchedule() {
        return pruner.schedule();
    }

    public PublishedCatalog current() {
        return publisher.current();
    }

    /** Files hashed since start; a restart over an unchanged tree keeps this at zero. */
    public long filesRead() {
        return reader.filesRead();
    }

    public long bytesRead() {
        return reader.bytesRead();
    }

    public long catalogWrites() {
        return publisher.writes();
    }

    /** The last pass that changed something, or null before the first one. */
    public Change lastChange() {
        return lastChange;
    }

    private PassStart begin() {
        return new PassStart(System.nanoTime(), reader.filesRead(), publisher.writes());
    }

    private PublishedCatalog ended(PassStart start, PublishedCatalog published) {
        long read = reader.filesRead() - start.filesRead();
        if (read > 0 || publisher.writes() != start.catalogWrites()) {
            lastChange = new Change(Instant.now(), Duration.ofNanos(System.nanoTime() - start.nanos()).toMillis(),
                    read);
        }
        return published;
    }

    /** Reads the whole tree (stat only for unchanged files) and publishes. */
    public synchronized PublishedCatalog fullScan() throws IOException {
        PassStart start = begin();
        Map<VersionKey, List<StoredFile>> listing = new LinkedHashMap<>();
        layoutProblems.clear();
        List<StoredFile> all = store.list(Layout.IMAGES);
        for (StoredFile file : all) {
            VersionKey key = versionOf(file);
            if (key != null) {
                listing.computeIfAbsent(key, k -> new ArrayList<>()).add(file);
            }
        }
        dirs.retainOnly(listing.keySet());
        readChanged(listing, false);
        Set<String> paths = new HashSet<>();
        all.forEach(f -> paths.add(f.path()));
        cache.retainOnly(paths);
        PublishedCatalog published = publishAndSave(true);
        needsFullScan = false;
        return ended(start, published);
    }

    /**
     * Re-reads the given version directories only and publishes. {@code complete}: the caller knows the
     * files are whole (the upload path, which renames finished files into place), so recent ones are read
     * at once; otherwise (watcher events) they must have settled first.
     */
    public synchronized PublishedCatalog refresh(Collection<VersionKey> versions, boolean complete)
            throws IOException {
        if (needsFullScan) {
            fullScan();
        }
        PassStart start = begin();
        Map<VersionKey, List<StoredFile>> listing = new LinkedHashMap<>();
        for (VersionKey key : versions) {
            layoutProblems.keySet().removeIf(path -> path.startsWith(key.directory() + "/"));
            List<StoredFile> files = new ArrayList<>();
            for (StoredFile file : store.list(key.directory())) {
                if (key.equals(versionOf(file))) {
                    files.add(file);
                }
            }
            if (files.isEmpty()) {
                dirs.remove(key);
            } else {
                listing.put(key, files);
            }
        }
        readChanged(listing, complete);
        // The hash cache is saved by the caller, outside this lock: the whole cache, megabytes at 10,000
        // versions, serialised and forced to disk here held up the next upload's publication.
        return ended(start, publishAndSave(false));
    }

    /** Saves the hash cache if it changed. Does not wait for a pass in progress. */
    public void saveCache() throws IOException {
        cache.save(store);
    }

    private void readChanged(Map<VersionKey, List<StoredFile>> listing, boolean complete) throws IOException {
        Map<VersionKey, Future<VersionSource>> pending = new LinkedHashMap<>();
        long settledBefore = System.currentTimeMillis() - settleTime.toMillis();
        listing.forEach((key, files) -> {
            VersionDirectories.DirState known = dirs.get(key);
            if (known != null && known.files().equals(files)) {
                return;
            }
            // Rescans see no events: a file another tool is still writing in place looks like any other,
            // except that it was modified moments ago.
            if (!complete && files.stream().anyMatch(f -> f.modifiedMillis() > settledBefore)) {
                retries.add(key);
                return;
            }
            VersionSource previous = known == null ? null : known.source();
            pending.put(key, hashPool.submit(() -> reader.read(key, files, previous)));
        });
        for (Map.Entry<VersionKey, Future<VersionSource>> entry : pending.entrySet()) {
            VersionKey key = entry.getKey();
            try {
                dirs.put(key, new VersionDirectories.DirState(listing.get(key), entry.getValue().get()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof VersionReader.UnstableFileException unstable) {
                    dirs.remove(key);
                    retries.add(key);
                    LOG.fine(() -> unstable.getMessage());
                } else if (e.getCause() instanceof IOException io) {
                    // Left out with a problem, but not remembered as read: an error that passes (a stale NFS
                    // handle, a file swapped mid-read) must not keep the version out until its files change.
                    dirs.put(key, new VersionDirectories.DirState(List.of(), VersionSource.rejected(key,
                            "cannot be read: " + io.getMessage())));
                } else {
                    throw new IOException("reading " + key + " failed", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + key, e);
            }
        }
    }

    /** The version a file belongs to; files elsewhere are recorded as layout problems. */
    private VersionKey versionOf(StoredFile file) {
        String[] parts = file.path().split("/");
        if (parts.length != 7) {
            String dir = file.parent();
            layoutProblems.putIfAbsent(dir, new Problem(file.path(), "not at the depth of the layout "
                    + "images/<os>/<release>/<arch>/<variant>/<version>/<file>; ignored"));
            return null;
        }
        try {
            return Layout.parseVersionDirectory(file.parent());
        } catch (LayoutException e) {
            layoutProblems.putIfAbsent(file.parent(), new Problem(file.parent(), e.getMessage()));
            return null;
        }
    }

    private PublishedCatalog publishAndSave(boolean saveCache) throws IOException {
        Map<ProductKey, List<VersionSource>> sources = dirs.sourcesByProduct();
        PublishedCatalog current = publisher.current();
        if (current != null && sameSources(sources) && layoutProblems.equals(builtWithProblems)) {
            // The background pass after each upload, or a rescan of a still tree: rebuilding the whole model
            // (10,000 versions) to find it unchanged held the lock as long as the upload's own publication.
            if (saveCache) {
                cache.save(store);
            }
            pruner.apply(retired, Instant.now());
            warnAboutStillIncomplete();
            return current;
        }
        CatalogBuilder.Result result = builder.rebuild(sources);
        Retention.Result kept = Retention.keepNewest(result.products(), keepVersions);
        List<Problem> problems = new ArrayList<>(result.problems());
        problems.addAll(layoutProblems.values());
        problems.sort(null);
        logNewProblems(problems);
        PublishedCatalog published;
        try {
            published = publisher.publish(kept.products(), List.copyOf(problems));
        } catch (StaleWriteException e) {
            needsFullScan = true;
            throw e;
        }
        if (saveCache) {
            cache.save(store);
        }
        builtFrom = sources;
        builtWithProblems = new TreeMap<>(layoutProblems);
        retired = kept.retired();
        pruner.apply(retired, Instant.now());
        return published;
    }

    /** The same products as the last build, each with the very list of sources it was built from. */
    private boolean sameSources(Map<ProductKey, List<VersionSource>> sources) {
        if (sources.size() != builtFrom.size()) {
            return false;
        }
        for (Map.Entry<ProductKey, List<VersionSource>> product : sources.entrySet()) {
            if (builtFrom.get(product.getKey()) != product.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * One log line per problem, when it first appears, not on every pass. A young incomplete version is only
     * noted; it gets its warning if it is still incomplete once the grace is over.
     */
    private void logNewProblems(List<Problem> problems) {
        Set<Problem> now = new HashSet<>(problems);
        waitingForFiles.retainAll(now);
        for (Problem problem : problems) {
            if (loggedProblems.contains(problem)) {
                continue;
            }
            if (problem.reason().startsWith(INCOMPLETE) && !incompleteTooLong(problem)) {
                waitingForFiles.add(problem);
                LOG.log(Level.INFO, "not in the catalogue yet: {0}", problem);
            } else {
                LOG.log(Level.WARNING, "left out of the catalogue: {0}", problem);
            }
        }
        loggedProblems = now;
        warnAboutStillIncomplete();
    }

    private void warnAboutStillIncomplete() {
        waitingForFiles.removeIf(problem -> {
            if (!incompleteTooLong(problem)) {
                return false;
            }
            LOG.log(Level.WARNING, "left out of the catalogue, still incomplete after {0} minutes: {1}",
                    new Object[] {INCOMPLETE_GRACE.toMinutes(), problem});
            return true;
        });
    }

    /** True when no file of the problem's version directory changed within the grace. */
    private boolean incompleteTooLong(Problem problem) {
        long graceStart = System.currentTimeMillis() - INCOMPLETE_GRACE.toMillis();
        return dirs.files(problem.path()).stream().allMatch(file -> file.modifiedMillis() < graceStart);
    }
}
