package dev.simplestreams.store;

import static dev.simplestreams.catalog.JsonMappers.TOLERANT_JSON;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.concurrent.DaemonThreads;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What was computed about each file, keyed by path and valid while size and modification time are
 * unchanged; persisted in the store's state so that a restart reads no unchanged file again.
 */
public final class HashCache {

    private static final Logger LOG = Logger.getLogger(HashCache.class.getName());
    private static final String STATE_NAME = "hash-cache.bin";
    /** Where servers before the compact format saved the cache: read when there is no other, then removed. */
    private static final String LEGACY_STATE_NAME = "hash-cache.json";

    /**
     * {@code combined} is sha256(metadata tarball + this file), valid for the metadata tarball whose sha256
     * is {@code combinedWith}. {@code metadata} is what metadata.yaml said, for tarballs. {@code contentChecked}:
     * a root file or delta whose bytes passed the {@link dev.simplestreams.catalog.ContentCheck} (false in caches
     * written before the check existed, whose files are checked once more).
     */
    public record Entry(long size, long modified, String sha256, String combinedWith, String combined,
            ImageMetadata metadata, boolean contentChecked) {

        public boolean matches(StoredFile file) {
            return size == file.size() && modified == file.modifiedMillis();
        }

        public Entry withCombined(String metaSha, String combinedSha) {
            return new Entry(size, modified, sha256, metaSha, combinedSha, metadata, contentChecked);
        }

        public Entry checked() {
            return new Entry(size, modified, sha256, combinedWith, combined, metadata, true);
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final CountDownLatch loaded;
    private volatile boolean dirty;
    /** The sha256 of the saved cache this one last loaded, merged or saved. */
    private volatile String lastSeen;
    /** Loaded from the JSON an earlier version saved, which goes once this cache is saved. */
    private volatile boolean legacyLoaded;

    /** An empty cache. */
    public HashCache() {
        this(0);
    }

    private HashCache(int loads) {
        loaded = new CountDownLatch(loads);
    }

    public Optional<Entry> lookup(StoredFile file) {
        awaitLoaded();
        Entry entry = entries.get(file.path());
        return entry != null && entry.matches(file) ? Optional.of(entry) : Optional.empty();
    }

    public void put(String path, Entry entry) {
        entries.put(path, entry);
        dirty = true;
    }

    /** Forgets files that no longer exist, so the cache does not grow forever. */
    public void retainOnly(Set<String> paths) {
        awaitLoaded();
        dirty |= entries.keySet().retainAll(paths);
    }

    /** The entries of the files under {@code directory}, for handing them to the replica that indexes. */
    public Map<String, Entry> under(String directory) {
        awaitLoaded();
        Map<String, Entry> found = new TreeMap<>();
        entries.forEach((path, entry) -> {
            if (path.startsWith(directory + "/")) {
                found.put(path, entry);
            }
        });
        return found;
    }

    /**
     * Takes in what another replica saved while it indexed. Safe whatever this one knows: an entry is only used
     * while its file's size and modification time are unchanged. The saved cache is parsed only if it is not
     * what this one last loaded or saved: on a server's first election, moments after the load, parsing
     * megabytes again was a second or more of its start.
     */
    public void merge(ImageStore store) throws IOException {
        if (loaded.getCount() > 0) {
            // Elected while the saved cache is still being read: that read is the merge.
            return;
        }
        Optional<byte[]> saved = store.readState(STATE_NAME);
        if (saved.isPresent()) {
            String seen = Sha256.hex(saved.get());
            if (!seen.equals(lastSeen)) {
                entries.putAll(HashCacheFormat.read(saved.get()));
                lastSeen = seen;
            }
        }
    }

    public int size() {
        awaitLoaded();
        return entries.size();
    }

    public static HashCache load(ImageStore store) {
        HashCache cache = new HashCache();
        cache.read(store);
        return cache;
    }

    /**
     * Reads the saved cache on a thread of its own; the methods that need it wait for it. A start then lists
     * the tree while the cache is parsed (seconds on a large tree, see bench/RESULTS.md) instead of after it.
     */
    public static HashCache loadInBackground(ImageStore store) {
        HashCache cache = new HashCache(1);
        DaemonThreads.start("hash-cache-load", () -> {
            try {
                cache.read(store);
            } finally {
                cache.loaded.countDown();
            }
        });
        return cache;
    }

    private void read(ImageStore store) {
        try {
            Optional<byte[]> saved = store.readState(STATE_NAME);
            if (saved.isPresent()) {
                // An upload may have put a newer entry meanwhile.
                HashCacheFormat.read(saved.get()).forEach(entries::putIfAbsent);
                lastSeen = Sha256.hex(saved.get());
            } else {
                Optional<byte[]> legacy = store.readState(LEGACY_STATE_NAME);
                if (legacy.isPresent()) {
                    parseLegacy(legacy.get()).forEach(entries::putIfAbsent);
                    legacyLoaded = true;
                    dirty = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A damaged cache only costs time: every file is hashed again.
            LOG.log(Level.WARNING, "hash cache unreadable, starting empty: " + e.getMessage());
        }
    }

    private void awaitLoaded() {
        boolean interrupted = false;
        while (true) {
            try {
                loaded.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the cache if anything changed since it was loaded or last saved; one writer at a time. */
    public synchronized void save(ImageStore store) throws IOException {
        awaitLoaded();
        if (!dirty) {
            return;
        }
        dirty = false;
        byte[] saved = HashCacheFormat.write(new TreeMap<>(entries));
        store.writeState(STATE_NAME, saved);
        lastSeen = Sha256.hex(saved);
        if (legacyLoaded) {
            store.deleteState(LEGACY_STATE_NAME);
            legacyLoaded = false;
        }
    }

    private static Map<String, Entry> parseLegacy(byte[] json) throws IOException {
        return TOLERANT_JSON.readValue(json, new TypeReference<Map<String, Entry>>() { });
    }
}
