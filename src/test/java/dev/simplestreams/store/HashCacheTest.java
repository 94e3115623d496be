package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.testing.CapturedLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saved hash cache (issue 19, item 2): a compact binary file that gives back every entry exactly, the JSON
 * of earlier servers read once and replaced, and a damaged file costing only time (an empty cache).
 */
class HashCacheTest {

    private static final String V = "images/ubuntu/noble/amd64/default/20241125_12:00/";
    private static final String SHA = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);

    @TempDir
    Path dir;

    /** Every kind of entry the indexer stores, with a property longer than 64 KiB and non-ASCII text. */
    private static Map<String, HashCache.Entry> entries() {
        ImageMetadata metadata = new ImageMetadata("x86_64", 1767225600L, Map.of("os", "Ubuntu", "release", "24.04",
                "description", "Ubuntu noble – « élan » " + "x".repeat(70_000)));
        Map<String, HashCache.Entry> entries = new TreeMap<>();
        entries.put(V + "incus.tar.xz", new HashCache.Entry(812, 1_700_000_000_123L, SHA, null, null, metadata, false));
        entries.put(V + "rootfs.squashfs", new HashCache.Entry(1L << 33, 1_700_000_000_456L, OTHER, SHA, "c".repeat(64),
                null, true));
        entries.put(V + "disk.qcow2", new HashCache.Entry(0, 0, OTHER, null, null, null, false));
        entries.put(V + "lxd.tar.xz", new HashCache.Entry(300, -1, SHA, null, null,
                new ImageMetadata("aarch64", 0, Map.of()), true));
        return entries;
    }

    private FileSystemStore store() throws Exception {
        return new FileSystemStore(new DataRoot(dir));
    }

    private static HashCache filled(Map<String, HashCache.Entry> entries) {
        HashCache cache = new HashCache();
        entries.forEach(cache::put);
        return cache;
    }

    @Test
    void aSavedCacheLoadsEveryEntryExactly() throws Exception {
        filled(entries()).save(store());
        assertTrue(Files.isRegularFile(dir.resolve(".state/hash-cache.bin")));
        assertEquals(entries(), HashCache.load(store()).under("images"));
        assertEquals(entries(), HashCache.loadInBackground(store()).under("images"));
    }

    @Test
    void theJsonOfAnEarlierServerIsReadOnceAndReplaced() throws Exception {
        Files.createDirectories(dir.resolve(".state"));
        Files.write(dir.resolve(".state/hash-cache.json"), new ObjectMapper().writeValueAsBytes(entries()));

        HashCache cache = HashCache.load(store());
        assertEquals(entries(), cache.under("images"));
        cache.save(store());
        assertFalse(Files.exists(dir.resolve(".state/hash-cache.json")), "the old file is gone");
        assertEquals(entries(), HashCache.load(store()).under("images"), "and the new one holds it all");
    }

    @Test
    void aDamagedCacheOnlyCostsTime() throws Exception {
        filled(entries()).save(store());
        byte[] saved = Files.readAllBytes(dir.resolve(".state/hash-cache.bin"));
        for (byte[] damaged : new byte[][] {Arrays.copyOf(saved, saved.length / 2), Arrays.copyOf(saved, 3),
                Arrays.copyOf(saved, saved.length + 1), "{}".getBytes(StandardCharsets.UTF_8)}) {
            Files.write(dir.resolve(".state/hash-cache.bin"), damaged);
            try (CapturedLog log = CapturedLog.of(HashCache.class.getName())) {
                assertEquals(Map.of(), HashCache.load(store()).under("images"));
                assertTrue(log.records().stream().anyMatch(r -> r.getMessage().startsWith(
                        "hash cache unreadable, starting empty")), "a warning says so");
            }
        }
    }

    @Test
    void aLookupNeedsTheSameSizeAndModificationTime() throws Exception {
        filled(entries()).save(store());
        HashCache cache = HashCache.load(store());
        HashCache.Entry root = entries().get(V + "rootfs.squashfs");
        assertEquals(Optional.of(root), cache.lookup(new StoredFile(V + "rootfs.squashfs", 1L << 33, root.modified())));
        assertEquals(Optional.empty(), cache.lookup(new StoredFile(V + "rootfs.squashfs", 1L << 33, 1)));
    }
}
