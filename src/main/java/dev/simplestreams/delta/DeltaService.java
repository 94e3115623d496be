package dev.simplestreams.delta;

import dev.simplestreams.catalog.Ftypes;
import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.concurrent.DaemonThreads;
import dev.simplestreams.config.DeltaSettings;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Generates deltas in the background: one thread looks for a newly published catalogue every second and, while
 * this replica leads, makes the deltas it calls for one at a time ({@link DeltaPlanner}, {@link DeltaGenerator}),
 * deletes deltas whose inputs changed or whose base is gone, and asks the indexer to look again. Nothing waits
 * for it: a new version is published at once, its deltas in a later catalogue. A failure is logged, counted and
 * remembered with the pair, which is not tried again until one of its files changes.
 *
 * <p>Longer than 300 lines: making, keeping and removing deltas are one sweep over one catalogue.
 */
public final class DeltaService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeltaService.class.getName());
    private static final long POLL_MILLIS = 1000;
    /** Retention's deletions change no catalogue: orphans of every product are looked for this often too. */
    private static final Duration FULL_SWEEP_INTERVAL = Duration.ofHours(1);

    /** What {@code /status} and {@code /metrics} show. {@code unavailable}: why nothing is generated, or null. */
    public record Status(boolean enabled, String encoder, String unavailable, String working, int queued,
            long generated, long failed, long tooLarge, long bytesSaved, long millisSpent, String lastError,
            Map<String, String> refused) {
    }

    private final DeltaSettings settings;
    private final Xdelta3 encoder;
    private final ImageStore store;
    private final Supplier<PublishedCatalog> catalogs;
    private final BooleanSupplier leading;
    private final Runnable rescan;
    private final DeltaRecords records;
    private final OrphanSweeper sweeper;
    private final DeltaGenerator generator;
    private final Path workDir;
    private final String unavailable;
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();
    private final AtomicLong bytesSaved = new AtomicLong();
    private final AtomicLong nanosSpent = new AtomicLong();
    private volatile String working;
    private final AtomicInteger queued = new AtomicInteger();
    private volatile String lastError;
    private volatile boolean stopping;
    private Thread thread;

    /**
     * {@code encoder}: empty when xdelta3 is not installed (then nothing is generated, and that is said once
     * here and in the status). {@code catalogs}: the catalogue this server publishes or follows; {@code leading}:
     * whether this replica is the one that indexes; {@code rescan}: asks the indexer to look at the tree again.
     * {@code workDir}: a private directory for encoding, removed on close.
     */
    public DeltaService(DeltaSettings settings, Optional<Xdelta3> encoder, ImageStore store, HashCache cache,
            Supplier<PublishedCatalog> catalogs, BooleanSupplier leading, Runnable rescan, Path workDir) {
        this.settings = settings;
        this.encoder = encoder.orElse(null);
        this.store = store;
        this.catalogs = catalogs;
        this.leading = leading;
        this.rescan = rescan;
        this.workDir = workDir;
        this.records = new DeltaRecords(store);
        this.sweeper = new OrphanSweeper(store, records);
        this.generator = encoder.map(x -> new DeltaGenerator(store, cache, x, workDir, settings.maxPercent(),
                settings.timeout())).orElse(null);
        if (!settings.enabled()) {
            unavailable = "turned off (DELTAS=off)";
        } else if (encoder.isEmpty()) {
            unavailable = "xdelta3 is not installed (Debian: apt-get install xdelta3); deltas are not generated";
        } else {
            unavailable = null;
        }
    }

    public void start() {
        if (unavailable != null) {
            LOG.log(settings.enabled() ? Level.WARNING : Level.INFO, "delta generation: " + unavailable);
        } else {
            LOG.info("delta generation: " + encoder.version() + ", from the " + settings.fromVersions()
                    + " previous version(s), kept when at most " + settings.maxPercent() + "% of the full file");
        }
        // Orphans are swept even with generation off: retention and deletes must not leave deltas behind.
        thread = DaemonThreads.start("deltas", this::run);
    }

    public Status status() {
        return new Status(settings.enabled(), encoder == null ? null : encoder.version(), unavailable, working,
                queued.get(), generated.get(), failed.get(), tooLarge.get(), bytesSaved.get(),
                TimeUnit.NANOSECONDS.toMillis(nanosSpent.get()), lastError, refusals());
    }

    private Map<String, String> refusals() {
        Map<String, String> refused = new TreeMap<>();
        records.refusals().forEach((path, refusal) -> refused.put(path, refusal.reason()));
        return refused;
    }

    private void run() {
        PublishedCatalog seen = null;
        long nextFullSweep = 0;
        while (!stopping) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            PublishedCatalog catalog = catalogs.get();
            if (catalog == null || !leading.getAsBoolean()) {
                continue;
            }
            boolean fullSweep = System.nanoTime() >= nextFullSweep;
            if (catalog == seen && !fullSweep) {
                continue;
            }
            try {
                boolean changed = sweep(fullSweep ? null : seen, catalog);
                if (fullSweep) {
                    nextFullSweep = System.nanoTime() + FULL_SWEEP_INTERVAL.toNanos();
                }
                seen = catalog;
                records.retainDirectories(versionDirectories(catalog));
                changed |= removeStale(catalog);
                if (unavailable == null) {
                    changed |= generate(catalog);
                }
                if (changed) {
                    rescan.run();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stopping) {
                    return;
                }
                lastError = e.toString();
                LOG.log(Level.WARNING, "delta generation pass failed, tried again with the next catalogue: "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * Deletes orphans in the products whose versions differ from {@code before} (null: every product); returns
     * whether it deleted any.
     */
    private boolean sweep(PublishedCatalog before, PublishedCatalog catalog) throws IOException {
        boolean deleted = false;
        for (Map.Entry<String, Product> entry : catalog.products().entrySet()) {
            Product previous = before == null ? null : before.products().get(entry.getKey());
            Set<String> names = entry.getValue().versions().keySet();
            if (previous == null || !previous.versions().keySet().equals(names)) {
                deleted |= !sweeper.sweep(ProductKey.fromId(entry.getKey())).isEmpty();
            }
        }
        return deleted;
    }

    /**
     * Deletes the deltas this server made whose base or target has since been replaced (ALLOW_OVERWRITES): a host
     * holding the new base would fail to apply them. They are made again from the next catalogue.
     */
    private boolean removeStale(PublishedCatalog catalog) throws IOException {
        boolean deleted = false;
        for (Map.Entry<String, Product> entry : catalog.products().entrySet()) {
            Map<String, Version> versions = entry.getValue().versions();
            for (Map.Entry<String, Version> version : versions.entrySet()) {
                for (Item item : version.getValue().items().values()) {
                    if (!Ftypes.SQUASHFS_DELTA.equals(item.ftype())) {
                        continue;
                    }
                    Optional<DeltaRecords.Inputs> made = records.made(item.path());
                    Version base = versions.get(item.deltaBase());
                    if (made.isEmpty() || base == null) {
                        continue;
                    }
                    DeltaRecords.Inputs now = new DeltaRecords.Inputs(squashfsSha(base),
                            squashfsSha(version.getValue()));
                    if (!made.get().equals(now)) {
                        delete(item.path(), "its base or target was replaced; it is made again");
                        deleted = true;
                    }
                }
            }
        }
        return deleted;
    }

    private static Set<String> versionDirectories(PublishedCatalog catalog) {
        Set<String> directories = new HashSet<>();
        catalog.products().forEach((id, product) -> product.versions().keySet()
                .forEach(name -> directories.add(new VersionKey(ProductKey.fromId(id), name).directory())));
        return directories;
    }

    private static String squashfsSha(Version version) {
        return version.items().values().stream().filter(i -> Ftypes.SQUASHFS.equals(i.ftype()))
                .map(Item::sha256).findFirst().orElse(null);
    }

    /** Makes the deltas the catalogue calls for; returns whether any was published. */
    private boolean generate(PublishedCatalog catalog) throws IOException, InterruptedException {
        List<DeltaJob> jobs = new ArrayList<>();
        for (DeltaJob job : DeltaPlanner.plan(catalog, settings.fromVersions())) {
            if (records.refusal(job).isEmpty() && !exists(job.path())) {
                jobs.add(job);
            }
        }
        boolean published = false;
        queued.set(jobs.size());
        try {
            for (DeltaJob job : jobs) {
                if (stopping || !leading.getAsBoolean()) {
                    break;
                }
                working = job.path();
                published |= makeOne(job);
                queued.decrementAndGet();
            }
        } finally {
            working = null;
            queued.set(0);
        }
        return published;
    }

    private boolean makeOne(DeltaJob job) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try {
            DeltaGenerator.Outcome outcome = generator.make(job);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (outcome instanceof DeltaGenerator.Made made) {
                records.recordMade(job);
                LOG.info("made " + job.path() + ": " + made.size() + " bytes instead of " + made.targetSize()
                        + " (" + percent(made.size(), made.targetSize()) + "), in " + millis + " ms");
                bytesSaved.addAndGet(made.targetSize() - made.size());
                generated.incrementAndGet();
                return true;
            }
            if (outcome instanceof DeltaGenerator.TooLarge large) {
                String reason = "not kept: " + large.size() + " bytes, more than DELTA_MAX_PERCENT="
                        + settings.maxPercent() + "% (" + large.limit() + " bytes) of " + job.target().path();
                records.recordRefused(job, reason, Instant.now().toString());
                LOG.info(job.path() + " " + reason);
                tooLarge.incrementAndGet();
            }
            return false;
        } catch (IOException | UnsafePathException e) {
            if (stopping) {
                throw new InterruptedException();
            }
            String reason = "failed: " + e.getMessage() + "; not tried again until " + job.base().path() + " or "
                    + job.target().path() + " changes";
            records.recordRefused(job, reason, Instant.now().toString());
            lastError = job.path() + ": " + reason;
            LOG.warning(job.path() + " " + reason);
            failed.incrementAndGet();
            return false;
        } finally {
            nanosSpent.addAndGet(System.nanoTime() - started);
        }
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format("%.1f%%", 100.0 * part / whole);
    }

    private boolean exists(String path) throws IOException {
        try {
            return store.stat(path).isPresent();
        } catch (UnsafePathException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private void delete(String path, String why) throws IOException {
        try {
            store.delete(path);
        } catch (UnsafePathException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
        records.forget(path);
        LOG.info("deleted " + path + ": " + why);
    }

    @Override
    public void close() {
        stopping = true;
        DaemonThreads.stop(thread);
        try (var files = Files.walk(workDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.fine(() -> "removing the delta work directory: " + e);
        }
    }
}
