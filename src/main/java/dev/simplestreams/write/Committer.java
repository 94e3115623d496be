package dev.simplestreams.write;

import dev.simplestreams.access.Operation;
import dev.simplestreams.access.Refusal;
import dev.simplestreams.access.WriteScope;
import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.catalog.StoredAside;
import dev.simplestreams.store.FileExistsException;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;

/**
 * Puts a fully written upload in place according to the overwrite policy, and records its hashes in the
 * shared cache so the indexer does not read it again. Writers of one path take turns: the file at a path
 * and its cache entry always come from the same upload.
 */
final class Committer {

    private static final int STRIPES = 64;

    /** The file now at the path ({@code file}) and how it got there. */
    record Committed(StoredFile file, FileOutcome outcome) {
    }

    /**
     * Everything learnt about the upload while it streamed in. {@code combined} is the fingerprint with the
     * metadata tarball whose sha256 is {@code combinedWith}; {@code metadata} is known for placed tarballs only.
     */
    record Facts(long size, String sha256, String combinedWith, String combined, ImageMetadata metadata) {
    }

    private final ImageStore store;
    private final HashCache cache;
    private final boolean allowOverwrites;
    private final Object[] stripes = new Object[STRIPES];

    Committer(ImageStore store, HashCache cache, boolean allowOverwrites) {
        this.store = store;
        this.cache = cache;
        this.allowOverwrites = allowOverwrites;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * The scope is checked here, under the path's lock, because only here is it known whether the upload
     * creates the file or overwrites one. A file kept aside is a new file, so it needs {@code create}.
     */
    Committed commit(String path, ImageStore.PendingFile pending, Facts facts, WriteScope scope)
            throws IOException, UnsafePathException {
        synchronized (stripes[Math.floorMod(path.hashCode(), STRIPES)]) {
            Committed committed = place(path, pending, facts, scope);
            remember(committed.file(), facts);
            return committed;
        }
    }

    /** An unchanged file may already have facts this upload did not learn (its metadata); they are kept. */
    private void remember(StoredFile file, Facts facts) {
        HashCache.Entry known = cache.lookup(file).orElse(null);
        boolean combined = facts.combined() != null || known == null;
        cache.put(file.path(), new HashCache.Entry(file.size(), file.modifiedMillis(), facts.sha256(),
                combined ? facts.combinedWith() : known.combinedWith(),
                combined ? facts.combined() : known.combined(),
                facts.metadata() != null || known == null ? facts.metadata() : known.metadata(), true));
    }

    private Committed place(String path, ImageStore.PendingFile pending, Facts facts, WriteScope scope)
            throws IOException, UnsafePathException {
        // Another process (rsync, an operator) may create the file between our look and our link: look again.
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<StoredFile> existing = store.stat(path);
            try {
                if (existing.isEmpty()) {
                    require(scope, Operation.CREATE, path);
                    return new Committed(pending.commit(false), FileOutcome.CREATED);
                }
                if (existing.get().size() == facts.size() && facts.sha256().equals(sha256Of(existing.get()))) {
                    if (!scope.allows(Operation.OVERWRITE, path)) {
                        require(scope, Operation.CREATE, path);
                    }
                    return new Committed(existing.get(), FileOutcome.UNCHANGED);
                }
                if (allowOverwrites) {
                    require(scope, Operation.OVERWRITE, path);
                    return new Committed(pending.commit(true), FileOutcome.REPLACED);
                }
                require(scope, Operation.CREATE, path);
                return new Committed(commitAside(path, pending), FileOutcome.STORED_ASIDE);
            } catch (FileExistsException e) {
                // Lost a race with a writer outside this server; decide again against what is there now.
            }
        }
        throw new IOException(path + " keeps changing under another writer; upload again");
    }

    private static void require(WriteScope scope, Operation operation, String path) throws WriteException {
        Optional<Refusal> refusal = scope.check(operation, path);
        if (refusal.isPresent()) {
            throw WriteException.outOfScope(refusal.get());
        }
    }

    /** Numbered when two uploads to one path are kept aside within the same second. */
    private StoredFile commitAside(String path, ImageStore.PendingFile pending)
            throws IOException, UnsafePathException, FileExistsException {
        String name = StoredAside.name(path.substring(path.lastIndexOf('/') + 1), Instant.now());
        for (int n = 1; ; n++) {
            try {
                return pending.commitAs(n == 1 ? name : name + "-" + n);
            } catch (FileExistsException e) {
                if (n == 100) {
                    throw e;
                }
            }
        }
    }

    /** From the cache when it knows the file; otherwise read once (a file the indexer has not seen yet). */
    private String sha256Of(StoredFile file) throws IOException, UnsafePathException {
        Optional<HashCache.Entry> known = cache.lookup(file);
        if (known.isPresent()) {
            return known.get().sha256();
        }
        return Sha256.hex(digest(store, file.path()));
    }

    static MessageDigest digest(ImageStore store, String path) throws IOException, UnsafePathException {
        try (InputStream in = store.open(path)) {
            return Sha256.digest(in);
        }
    }
}
