package dev.simplestreams.indexer;

import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.catalog.VersionSource;
import dev.simplestreams.store.StoredFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the indexer last read of each version directory, also grouped by product. A product's list of sources is
 * the same object from one publication to the next until one of its versions changes, so the catalogue builder
 * can tell an unchanged product by identity: grouping and comparing the sources of 10,000 versions at every
 * upload was most of what building the catalogue cost. Not thread-safe: the indexer holds its lock.
 */
final class VersionDirectories {

    record DirState(List<StoredFile> files, VersionSource source) {
    }

    private final Map<VersionKey, DirState> dirs = new HashMap<>();
    private final Map<ProductKey, Map<VersionKey, VersionSource>> byProduct = new HashMap<>();
    private final Map<ProductKey, List<VersionSource>> lists = new HashMap<>();
    /** Asked for each version still waiting for a file at every publication: a lookup, not a walk of them all. */
    private final Map<String, List<StoredFile>> filesByDirectory = new HashMap<>();

    DirState get(VersionKey key) {
        return dirs.get(key);
    }

    void put(VersionKey key, DirState state) {
        dirs.put(key, state);
        filesByDirectory.put(key.directory(), state.files());
        byProduct.computeIfAbsent(key.product(), k -> new HashMap<>()).put(key, state.source());
        lists.remove(key.product());
    }

    void remove(VersionKey key) {
        if (dirs.remove(key) == null) {
            return;
        }
        filesByDirectory.remove(key.directory());
        Map<VersionKey, VersionSource> versions = byProduct.get(key.product());
        versions.remove(key);
        if (versions.isEmpty()) {
            byProduct.remove(key.product());
        }
        lists.remove(key.product());
    }

    /** Forgets every directory not in {@code keys}. */
    void retainOnly(Set<VersionKey> keys) {
        for (VersionKey key : new ArrayList<>(dirs.keySet())) {
            if (!keys.contains(key)) {
                remove(key);
            }
        }
    }

    /** The files last read in {@code directory}'s version; none when it is not known. */
    List<StoredFile> files(String directory) {
        return filesByDirectory.getOrDefault(directory, List.of());
    }

    /** Every product's sources; a product none of whose versions changed keeps the very list it had. */
    Map<ProductKey, List<VersionSource>> sourcesByProduct() {
        Map<ProductKey, List<VersionSource>> all = new HashMap<>();
        byProduct.forEach((product, versions) ->
                all.put(product, lists.computeIfAbsent(product, p -> List.copyOf(versions.values()))));
        return all;
    }
}
