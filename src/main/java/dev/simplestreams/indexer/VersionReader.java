package dev.simplestreams.indexer;

import dev.simplestreams.catalog.ContentCheck;
import dev.simplestreams.catalog.ContentException;
import dev.simplestreams.catalog.FileFacts;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.MetadataReader;
import dev.simplestreams.catalog.Overrides;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.catalog.VersionSource;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Reads one version directory into a {@link VersionSource}. Each byte of a changed file is read once:
 * a root file is fed to its own digest and to a copy of the metadata tarball's digest at the same time,
 * which yields the image fingerprint without reading the pair again. Unchanged files come from the cache.
 *
 * <p>Longer than 300 lines: reading, hashing and checking a directory are one pass over its files.
 */
final class VersionReader {

    private static final int BUFFER = 1 << 20;
    // One buffer per hashing thread, reused for every file: a fresh 1 MiB array per file is a humongous
    // allocation for G1 with a small heap (-Xmx256m: 1 MiB regions), and 10,000 files made the full build
    // spend most of its time in GC pauses.
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    private final ImageStore store;
    private final HashCache cache;
    private final AtomicLong filesRead = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();

    VersionReader(ImageStore store, HashCache cache) {
        this.store = store;
        this.cache = cache;
    }

    long filesRead() {
        return filesRead.get();
    }

    long bytesRead() {
        return bytesRead.get();
    }

    /** A file changed while it was read: it is still being written, so the directory is read again later. */
    static final class UnstableFileException extends IOException {
        UnstableFileException(String path) {
            super(path + " changed while it was read (still being written?)");
        }
    }

    /**
     * {@code previous}: what the directory held when it was last read (null: not read since the start); its
     * metadata.json stays in effect while a rewritten one is malformed.
     */
    VersionSource read(VersionKey key, List<StoredFile> files, VersionSource previous) throws IOException {
        List<StoredFile> metas = new ArrayList<>();
        List<StoredFile> roots = new ArrayList<>();
        List<StoredFile> plain = new ArrayList<>();
        StoredFile metadataJson = null;
        for (StoredFile file : files) {
            Optional<FileKind.Recognised> kind = FileKind.recognise(file.name());
            if (kind.isEmpty()) {
                continue;
            }
            switch (kind.get().kind()) {
                case METADATA -> metas.add(file);
                case METADATA_JSON -> metadataJson = file;
                default -> (kind.get().kind().isRoot() ? roots : plain).add(file);
            }
        }
        metas.sort(Comparator.comparing(StoredFile::name));
        try {
            Overrides overrides = null;
            String overridesProblem = null;
            if (metadataJson != null) {
                try {
                    overrides = Overrides.parse(readSmall(metadataJson));
                    if (!overrides.unknownKeys().isEmpty()) {
                        overridesProblem = Overrides.unknownKeysMessage(overrides.unknownKeys()) + "; ignored";
                    }
                } catch (MetadataException e) {
                    overrides = previous == null ? null : previous.overrides();
                    overridesProblem = e.getMessage() + (overrides == null ? "; the file is ignored until it is fixed"
                            : "; the version's previous metadata.json stays in effect until this one is fixed");
                }
            }
            List<FileFacts> facts = new ArrayList<>();
            ImageMetadata metadata = null;
            String metaSha = null;
            MessageDigest metaState = null;
            for (StoredFile meta : metas) {
                Tarball tarball = metadataTarball(meta);
                if (metaSha == null) {
                    metaSha = tarball.entry().sha256();
                    metadata = tarball.entry().metadata();
                    metaState = tarball.state();
                }
                facts.add(facts(meta, tarball.entry()));
            }
            for (StoredFile root : roots) {
                HashCache.Entry entry = cache.lookup(root).orElse(null);
                if (entry == null || (metaSha != null && !metaSha.equals(entry.combinedWith()))) {
                    if (metaSha != null && metaState == null) {
                        metaState = digestState(metas.get(0), metaSha);
                    }
                    entry = hashRoot(root, metaSha, metaState);
                }
                facts.add(facts(root, checked(root, entry)));
            }
            for (StoredFile file : plain) {
                FileKind kind = FileKind.recognise(file.name()).orElseThrow().kind();
                HashCache.Entry entry = kind == FileKind.UNIFIED ? unifiedTarball(file) : checked(file, hashed(file));
                if (kind == FileKind.UNIFIED && metadata == null) {
                    metadata = entry.metadata();
                }
                facts.add(facts(file, entry));
            }
            return new VersionSource(key, List.copyOf(facts), metadata, overrides, null, overridesProblem);
        } catch (MetadataException | ContentException | UnsafePathException e) {
            return VersionSource.rejected(key, e.getMessage());
        }
    }

    /**
     * A root file or delta whose bytes were not checked when it was hashed (in a cache written before the check
     * existed, or refused before) is checked from its first and last bytes; a file that fails stays unchecked in
     * the cache, so it is refused again, with its reason, whenever its directory is read.
     */
    private HashCache.Entry checked(StoredFile file, HashCache.Entry entry)
            throws IOException, UnsafePathException, ContentException {
        if (entry.contentChecked()) {
            return entry;
        }
        ContentCheck check = ContentCheck.of(FileKind.recognise(file.name()).orElseThrow().kind());
        try (InputStream in = store.open(file.path())) {
            byte[] head = in.readNBytes(check.headSize());
            check.update(head, 0, head.length);
            long between = file.size() - head.length - ContentCheck.TAIL;
            if (between > 0) {
                in.skipNBytes(between);
                check.skip(between);
            }
            byte[] tail = in.readAllBytes();
            check.update(tail, 0, tail.length);
        }
        verify(file, check);
        HashCache.Entry verified = entry.checked();
        cache.put(file.path(), verified);
        return verified;
    }

    private static void verify(StoredFile file, ContentCheck check) throws ContentException {
        try {
            check.verify();
        } catch (ContentException e) {
            throw new ContentException(file.name() + " " + e.getMessage());
        }
    }

    private static FileFacts facts(StoredFile file, HashCache.Entry entry) {
        FileKind.Recognised kind = FileKind.recognise(file.name()).orElseThrow();
        return new FileFacts(file.name(), kind.kind(), kind.deltaBase(), file.size(), entry.sha256(),
                kind.kind().isRoot() ? entry.combined() : null);
    }

    /** A metadata tarball's cache entry, and the digest state after its bytes if it was read just now. */
    private record Tarball(HashCache.Entry entry, MessageDigest state) {
    }

    /**
     * A split image's metadata tarball: hashed while its metadata.yaml is parsed, in one read. It is small and
     * read whole, so a damaged one is refused; the digest state is kept for the root files, which continue it.
     */
    private Tarball metadataTarball(StoredFile file) throws IOException, MetadataException, UnsafePathException {
        Optional<HashCache.Entry> cached = cache.lookup(file);
        if (cached.isPresent() && cached.get().metadata() != null) {
            return new Tarball(cached.get(), null);
        }
        MessageDigest digest = Sha256.newDigest();
        ImageMetadata metadata;
        long total;
        try (BoundedInputStream counted = BoundedInputStream.builder().setInputStream(store.open(file.path())).get();
                DigestInputStream in = new DigestInputStream(counted, digest)) {
            try {
                metadata = MetadataReader.readWhole(CloseShieldInputStream.wrap(in));
            } catch (MetadataException e) {
                throw new MetadataException(file.name() + ": " + e.getMessage(), e);
            }
            in.transferTo(OutputStream.nullOutputStream());
            total = counted.getCount();
        }
        counted(file, total);
        MessageDigest state = Sha256.copy(digest);
        HashCache.Entry entry = new HashCache.Entry(file.size(), file.modifiedMillis(), Sha256.hex(digest), null, null,
                metadata, false);
        cache.put(file.path(), entry);
        return new Tarball(entry, state);
    }

    /** A unified tarball's hash, and its metadata.yaml, looked for in the first bytes only. */
    private HashCache.Entry unifiedTarball(StoredFile file) throws IOException, MetadataException,
            UnsafePathException, ContentException {
        Optional<HashCache.Entry> cached = cache.lookup(file);
        if (cached.isPresent() && cached.get().metadata() != null) {
            return cached.get();
        }
        HashCache.Entry hashed = cached.orElse(null);
        if (hashed == null) {
            hashed = hashed(file);
        }
        ImageMetadata metadata;
        try (InputStream in = store.open(file.path())) {
            metadata = MetadataReader.read(in);
        } catch (MetadataException e) {
            throw new MetadataException(file.name() + ": " + e.getMessage(), e);
        }
        HashCache.Entry entry = new HashCache.Entry(hashed.size(), hashed.modified(), hashed.sha256(), null, null,
                metadata, false);
        cache.put(file.path(), entry);
        return entry;
    }

    private HashCache.Entry hashed(StoredFile file) throws IOException, UnsafePathException, ContentException {
        Optional<HashCache.Entry> cached = cache.lookup(file);
        if (cached.isPresent()) {
            return cached.get();
        }
        MessageDigest digest = Sha256.newDigest();
        ContentCheck check = contentCheck(file);
        stream(file, digest, null, check);
        return remember(file, new HashCache.Entry(file.size(), file.modifiedMillis(), Sha256.hex(digest), null, null,
                null, false), check);
    }

    private HashCache.Entry hashRoot(StoredFile root, String metaSha, MessageDigest metaState)
            throws IOException, UnsafePathException, ContentException {
        MessageDigest digest = Sha256.newDigest();
        MessageDigest combined = metaState == null ? null : Sha256.copy(metaState);
        ContentCheck check = contentCheck(root);
        stream(root, digest, combined, check);
        return remember(root, new HashCache.Entry(root.size(), root.modifiedMillis(), Sha256.hex(digest),
                metaSha, combined == null ? null : Sha256.hex(combined), null, false), check);
    }

    /** The running digest after the metadata tarball's bytes, ready to be continued by a root file. */
    private MessageDigest digestState(StoredFile meta, String expectedSha) throws IOException, UnsafePathException {
        MessageDigest digest = Sha256.newDigest();
        stream(meta, digest, null, null);
        MessageDigest state = Sha256.copy(digest);
        if (!Sha256.hex(digest).equals(expectedSha)) {
            throw new UnstableFileException(meta.path());
        }
        return state;
    }

    /** The check of a root file's or delta's bytes, or null for the other kinds. */
    private static ContentCheck contentCheck(StoredFile file) {
        FileKind kind = FileKind.recognise(file.name()).orElseThrow().kind();
        return ContentCheck.covers(kind) ? ContentCheck.of(kind) : null;
    }

    /**
     * Caches a file just hashed, marked checked if it is a root file or delta whose bytes passed their check; one
     * that failed is cached unchecked (its hash stays valid) and refused, saying why.
     */
    private HashCache.Entry remember(StoredFile file, HashCache.Entry hashed, ContentCheck check)
            throws ContentException {
        ContentException refused = null;
        if (check != null) {
            try {
                verify(file, check);
            } catch (ContentException e) {
                refused = e;
            }
        }
        HashCache.Entry entry = check != null && refused == null ? hashed.checked() : hashed;
        cache.put(file.path(), entry);
        if (refused != null) {
            throw refused;
        }
        return entry;
    }

    private void stream(StoredFile file, MessageDigest first, MessageDigest second, ContentCheck check)
            throws IOException, UnsafePathException {
        byte[] buffer = BUFFERS.get();
        long total = 0;
        try (InputStream in = store.open(file.path())) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                first.update(buffer, 0, n);
                if (second != null) {
                    second.update(buffer, 0, n);
                }
                if (check != null) {
                    check.update(buffer, 0, n);
                }
                total += n;
            }
        }
        counted(file, total);
    }

    /** Counts a file read whole, which must not have changed while it was read. */
    private void counted(StoredFile file, long total) throws IOException, UnsafePathException {
        filesRead.incrementAndGet();
        bytesRead.addAndGet(total);
        Optional<StoredFile> after = store.stat(file.path());
        if (total != file.size() || after.isEmpty() || after.get().size() != file.size()
                || after.get().modifiedMillis() != file.modifiedMillis()) {
            throw new UnstableFileException(file.path());
        }
    }

    private byte[] readSmall(StoredFile file) throws IOException, UnsafePathException, MetadataException {
        if (file.size() > Overrides.MAX_BYTES) {
            throw new MetadataException("metadata.json is larger than 64 KiB");
        }
        try (InputStream in = store.open(file.path())) {
            return in.readNBytes(Overrides.MAX_BYTES + 1);
        }
    }
}
