package dev.simplestreams.mirror;

import dev.simplestreams.audit.AuditEntry;
import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.FileExistsException;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Brings the versions a plan wants into the store: works out which files are missing, fetches them (verified)
 * and commits each version whole, with its {@code metadata.json}; tells the hash cache what it learnt.
 */
final class Installer {

    private static final Logger LOG = Logger.getLogger(Installer.class.getName());
    private final AuditTrail audit;
    private static final String METADATA_JSON = "metadata.json";
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ImageStore store;
    private final HashCache cache;
    private final Fetcher fetcher;
    private final MirrorState state;
    private final MirrorEvents events;

    Installer(ImageStore store, HashCache cache, Fetcher fetcher, MirrorState state, MirrorEvents events,
            AuditTrail audit) {
        this.audit = audit;
        this.store = store;
        this.cache = cache;
        this.fetcher = fetcher;
        this.state = state;
        this.events = events;
    }

    /**
     * Installs what the plan wants and the store lacks; returns whether anything was written. A version that
     * fails is left out whole and added to {@code problems}; the others go on. A root file whose image is not the
     * fingerprint the upstream lists is left out and added to {@code skipped}. {@code started} receives the
     * progress once the work is known; {@code fetched} hears the size of each file committed.
     */
    boolean install(String remote, Planner.Plan plan, List<Problem> problems, List<Problem> skipped,
            Consumer<Progress> started, LongConsumer fetched) throws IOException, InterruptedException {
        Map<Planner.WantedVersion, List<Planner.WantedFile>> missing = new LinkedHashMap<>();
        long files = 0;
        long bytes = 0;
        boolean changed = false;
        for (Planner.WantedVersion version : plan.versions()) {
            List<Planner.WantedFile> needed = new ArrayList<>();
            for (Planner.WantedFile file : version.files()) {
                Optional<StoredFile> present = stat(version.key().file(file.name()));
                if (present.isEmpty() || !same(present.get(), file)) {
                    needed.add(file);
                    files++;
                    bytes += file.size();
                }
            }
            if (!needed.isEmpty()) {
                missing.put(version, needed);
            } else {
                changed |= writeMetadataJson(remote, version);
            }
        }
        Progress progress = new Progress(files, bytes);
        started.accept(progress);
        if (!missing.isEmpty()) {
            LOG.info("mirror " + remote + ": " + missing.size() + " version(s) to fetch, " + progress.snapshot());
        }
        long[] lastLog = {System.nanoTime()};
        for (Map.Entry<Planner.WantedVersion, List<Planner.WantedFile>> entry : missing.entrySet()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            changed |= installVersion(remote, entry.getKey(), entry.getValue(), progress, problems, skipped, fetched,
                    lastLog);
        }
        return changed;
    }

    /**
     * Fetches every missing file of one version into pending files and commits them only when all arrived
     * verified: root files first and the metadata tarball last, so the indexer never sees half a version. The
     * metadata tarball is fetched first, so that its digest continues into each root's fingerprint while the
     * root streams in; the hash cache learns both, and the indexer reads no mirrored root file again. A root
     * whose fingerprint differs from the upstream's is left out (the version's other images still come); a
     * version left without any root is left out whole.
     */
    private boolean installVersion(String remote, Planner.WantedVersion version, List<Planner.WantedFile> needed,
            Progress progress, List<Problem> problems, List<Problem> skipped, LongConsumer fetched, long[] lastLog)
            throws IOException, InterruptedException {
        String dir = version.key().directory();
        List<Planner.WantedFile> ordered = new ArrayList<>(needed);
        ordered.sort(Comparator.comparing(f -> !isMetadata(f)));
        List<Planner.WantedFile> kept = new ArrayList<>();
        List<Fetcher.Fetched> downloads = new ArrayList<>();
        try {
            MessageDigest prefix = null;
            String metaSha = null;
            Optional<Planner.WantedFile> presentMeta = version.files().stream()
                    .filter(f -> isMetadata(f) && !needed.contains(f)).findFirst();
            if (presentMeta.isPresent()) {
                prefix = digestOf(version.key().file(presentMeta.get().name()));
                metaSha = presentMeta.get().sha256();
            }
            int refusedRoots = 0;
            for (Planner.WantedFile file : ordered) {
                Fetcher.Fetched got;
                try {
                    got = fetcher.fetch(version.key().file(file.name()), file, isRoot(file) ? prefix : null, n -> {
                        progress.bytes(n);
                        long now = System.nanoTime();
                        if (now - lastLog[0] > PROGRESS_LOG_NANOS) {
                            lastLog[0] = now;
                            LOG.info("mirror " + remote + ": " + progress.snapshot());
                        }
                    });
                } catch (UpstreamException e) {
                    if (!isDelta(file)) {
                        throw e;
                    }
                    // Clients do without a delta.
                    problems.add(new Problem(e.url().toString(), e.reason() + " (delta not mirrored this time; the "
                            + "version comes without it)"));
                    events.failed(remote);
                    continue;
                }
                if (isRoot(file) && file.fingerprint() != null && !file.fingerprint().equals(got.combined())) {
                    got.pending().close();
                    refusedRoots++;
                    skipped.add(new Problem(file.url().toString(), "not mirrored: the version's metadata tarball "
                            + "followed by this file hashes to " + got.combined() + ", but the upstream lists this "
                            + "image as " + file.fingerprint() + " (clients refuse it there too); the upstream must "
                            + "list the image's own metadata tarball, in a version of its own (incus-simplestreams "
                            + "merges a container and a VM created in the same minute into one version)"));
                    continue;
                }
                kept.add(file);
                downloads.add(got);
                if (isMetadata(file)) {
                    prefix = got.state();
                    metaSha = got.sha256();
                }
            }
            if (refusedRoots > 0 && refusedRoots == version.files().stream().filter(Installer::isRoot).count()) {
                return false;
            }
            state.own(dir, remote);
            writeMetadataJson(remote, version);
            for (int i = kept.size() - 1; i >= 0; i--) {
                Planner.WantedFile file = kept.get(i);
                Fetcher.Fetched got = downloads.get(i);
                boolean replace = stat(version.key().file(file.name())).isPresent();
                StoredFile stored = got.pending().commit(replace);
                boolean combined = got.combined() != null;
                cache.put(stored.path(), new HashCache.Entry(stored.size(), stored.modifiedMillis(), got.sha256(),
                        combined ? metaSha : null, got.combined(), null, true));
                progress.file();
                fetched.accept(file.size());
                events.fileFetched(remote, file.size());
                audit.record(List.of(AuditEntry.background("mirror-install", "mirror:" + remote, stored.path(),
                        stored.size(), got.sha256(), combined ? List.of(got.combined()) : null,
                        replace ? "replaced" : "created", "mirrored from " + remote)));
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
            for (Fetcher.Fetched got : downloads) {
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

    /**
     * Whether the file here is the one the upstream lists: same size and, when the hash cache knows it (it does
     * for whatever the mirror wrote), the same sha256, so a file replaced upstream is fetched again.
     */
    private boolean same(StoredFile present, Planner.WantedFile file) {
        return present.size() == file.size()
                && cache.lookup(present).map(e -> e.sha256().equals(file.sha256())).orElse(true);
    }

    private static boolean isRoot(Planner.WantedFile file) {
        return FileKind.recognise(file.name()).map(r -> r.kind().isRoot()).orElse(false);
    }

    private static boolean isDelta(Planner.WantedFile file) {
        return FileKind.recognise(file.name()).map(r -> r.kind().isDelta()).orElse(false);
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
}
