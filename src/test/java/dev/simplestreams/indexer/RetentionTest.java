package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KEEP_VERSIONS: older versions leave the catalogue at once and their files go after the grace period. */
class RetentionTest {

    private static final String PRODUCT = "debian:bookworm:amd64:default";
    private static final List<String> VERSIONS = List.of("20261101_00:00", "20261102_00:00", "20261103_00:00");

    @TempDir
    Path root;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void keepsTheNewestVersionsAndDeletesOlderFilesOnlyAfterTheGracePeriod() throws Exception {
        writeVersions();
        FileSystemStore store = new FileSystemStore(new DataRoot(root));

        Indexer withGrace = new Indexer(store, new HashCache(), pool, 2, Duration.ofHours(2), Duration.ZERO);
        PublishedCatalog catalog = withGrace.fullScan();
        assertEquals(List.of("20261102_00:00", "20261103_00:00"), versions(catalog));
        assertTrue(Files.isDirectory(versionDir("20261101_00:00")), "still downloadable during the grace period");
        assertEquals(List.of("images/debian/bookworm/amd64/default/20261101_00:00"),
                List.copyOf(withGrace.deletionSchedule().keySet()));

        // The schedule survives a restart; with the grace period over, the files go.
        Indexer graceOver = new Indexer(store, HashCache.load(store), pool, 2, Duration.ZERO, Duration.ZERO);
        graceOver.fullScan();
        assertFalse(Files.exists(versionDir("20261101_00:00")));
        assertTrue(Files.isDirectory(versionDir("20261102_00:00")));
        assertTrue(graceOver.deletionSchedule().isEmpty());
    }

    @Test
    void deltasAgainstARetiredBaseLeaveTheCatalogueWithIt() throws Exception {
        writeVersions();
        Files.write(versionDir("20261103_00:00").resolve("rootfs.20261101_00:00.vcdiff"), RootFiles.vcdiff(new byte[] {1}));
        Files.write(versionDir("20261103_00:00").resolve("rootfs.20261102_00:00.vcdiff"), RootFiles.vcdiff(new byte[] {2}));
        FileSystemStore store = new FileSystemStore(new DataRoot(root));

        PublishedCatalog catalog = new Indexer(store, new HashCache(), pool, 2, Duration.ofHours(2), Duration.ZERO).fullScan();
        var items = catalog.products().get(PRODUCT).versions().get("20261103_00:00").items();
        assertTrue(items.containsKey("rootfs.20261102_00:00.vcdiff"));
        assertFalse(items.containsKey("rootfs.20261101_00:00.vcdiff"));
    }

    @Test
    void keepingZeroMeansKeepingEverything() throws Exception {
        writeVersions();
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        Indexer indexer = new Indexer(store, new HashCache(), pool, 0, Duration.ZERO, Duration.ZERO);
        assertEquals(VERSIONS, versions(indexer.fullScan()));
        assertTrue(indexer.deletionSchedule().isEmpty());
    }

    private void writeVersions() throws Exception {
        for (int i = 0; i < VERSIONS.size(); i++) {
            Trees.splitImage(root, PRODUCT, VERSIONS.get(i), RootFiles.squashfs(new byte[] {(byte) i, 42}));
        }
    }

    private Path versionDir(String version) {
        return root.resolve("images/debian/bookworm/amd64/default").resolve(version);
    }

    private static List<String> versions(PublishedCatalog catalog) {
        Product product = catalog.products().get(PRODUCT);
        return List.copyOf(product.versions().keySet());
    }
}
