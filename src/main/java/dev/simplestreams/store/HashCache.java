package dev.simplestreams.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.catalog.ImageMetadata;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What was computed about each file, keyed by path and valid while size and modification time are
 * unchanged; persisted in the store's state so that a restart reads no unchanged file again.
 */
public final class HashCache {

    private static final Logger LOG = Logger.getLogger(HashCache.class.getName());
    private static final String STATE_NAME = "hash-cache.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * {@code combined} is sha256(metadata tarball + this file), valid for the metadata tarball whose sha256
     * is {@code combinedWith}. {@code metadata} is what metadata.yaml said, for tarballs.
     */
    public record Entry(long size, long modified, String sha256, String combinedWith, String combined,
            ImageMetadata metadata) {

        public boolean matches(StoredFile file) {
            return size == file.size() && modified == file.modifiedMillis();
        }

        public Entry withCombined(String metaSha, String combinedSha) {
            return new Entry(size, modified, sha256, metaSha, combinedSha, metadata);
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean dirty;

    public Optional<Entry> lookup(StoredFile file) {
        Entry entry = entries.get(file.path());
        return entry != null && entry.matches(file) ? Optional.of(entry) : Optional.empty();
    }

    public void put(String path, Entry entry) {
        entries.put(path, entry);
        dirty = true;
    }

    /** Forgets files that no longer exist, so the cache does not grow forever. */
    public void retainOnly(Set<String> paths) {
        dirty |= entries.keySet().retainAll(paths);
    }

    /** The entries of the files under {@code directory}, for handing them to the replica that indexes. */
    public Map<String, Entry> under(String directory) {
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
     * while its file's size and modification time are unchanged.
     */
    public void merge(ImageStore store) throws IOException {
        Optional<byte[]> saved = store.readState(STATE_NAME);
        if (saved.isPresent()) {
            entries.putAll(JSON.readValue(saved.get(), new TypeReference<Map<String, Entry>>() { }));
        }
    }

    public int size() {
        return entries.size();
    }

    public static HashCache load(ImageStore store) {
        HashCache cache = new HashCache();
        try {
            Optional<byte[]> saved = store.readState(STATE_NAME);
            if (saved.isPresent()) {
                cache.entries.putAll(JSON.readValue(saved.get(), new TypeReference<Map<String, Entry>>() { }));
            }
        } catch (IOException e) {
            // A damaged cache only costs time: every file is hashed again.
            LOG.log(Level.WARNING, "hash cache unreadable, starting empty: " + e.getMessage());
        }
        return cache;
    }

    /** Writes the cache if anything changed since it was loaded or last saved; one writer at a time. */
    public synchronized void save(ImageStore store) throws IOException {
        if (!dirty) {
            return;
        }
        dirty = false;
        store.writeState(STATE_NAME, JSON.writeValueAsBytes(new TreeMap<>(entries)));
    }
}
