package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predecessor defect: partial uploads were indexed. A file is taken only once it is complete and stable: one
 * that changes while it is read is left out of that pass, and one being written is not read until writing
 * pauses for the quiet period.
 */
class UnstableFileTest {

    @TempDir
    Path dir;

    @Test
    void aFileThatGrowsWhileBeingReadIsLeftOutUntilItStopsGrowing() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        Path root = repo.file(UBUNTU, V1, "rootfs.squashfs");
        StoreProbe probe = StoreProbe.around(repo.store());
        AtomicBoolean grown = new AtomicBoolean();
        // The writer appends between the listing and the end of the read, once.
        probe.beforeFirstOpen(StoreProbe.equalTo(repo.relative(root)), () -> {
            Files.write(root, "appended while being read".getBytes(), StandardOpenOption.APPEND);
            grown.set(true);
        });
        repo.restartWith(probe.store());

        TestRepository.Scan whileGrowing = repo.scan();

        assertTrue(grown.get());
        assertFalse(whileGrowing.hasProduct(UBUNTU), "a hash of a file still being written is no fingerprint");

        TestRepository.Scan stable = repo.scan();

        assertEquals(Files.size(root), stable.item(UBUNTU, V1, "rootfs.squashfs").size());
        assertEquals(Digests.sha256(root), stable.item(UBUNTU, V1, "rootfs.squashfs").sha256());
        assertEquals(Digests.sha256(repo.file(UBUNTU, V1, "lxd.tar.xz"), root),
                stable.item(UBUNTU, V1, "lxd.tar.xz").combinedSquashfsSha256());
    }

    @Test
    void aMetadataTarballReplacedWhileItsRootIsHashedIsPairedWithItsNewHashByTheNextPass() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.scan();
        Path meta = repo.file(UBUNTU, V1, "lxd.tar.xz");
        Path root = repo.file(UBUNTU, V1, "rootfs.squashfs");
        StoreProbe probe = StoreProbe.around(repo.store());
        byte[] newMeta = TestRepository.metadataTarballFor(
                dev.simplestreams.testing.Trees.metadataYaml("x86_64", "ubuntu", "jammy", "replaced"));
        probe.beforeFirstOpen(StoreProbe.equalTo(repo.relative(root)), () -> Files.write(meta, newMeta));
        repo.restartWith(probe.store());
        Files.write(root, RootFiles.squashfs("a new root".getBytes()));

        repo.scan();
        TestRepository.Scan settled = repo.scan();

        assertEquals(Digests.sha256(meta, root), settled.item(UBUNTU, V1, "lxd.tar.xz").combinedSquashfsSha256());
        assertEquals(Digests.sha256(meta), settled.item(UBUNTU, V1, "lxd.tar.xz").sha256());
    }

    /** Issue 4: a file written slowly over seconds, by a tool writing in place, is published only when complete. */
    @Test
    void aFileWrittenSlowlyInPlaceIsPublishedOnlyWhenComplete() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.write(UBUNTU, V1, "lxd.tar.xz", TestRepository.metadataTarball(UBUNTU));
        Path root = repo.file(UBUNTU, V1, "rootfs.squashfs");
        byte[] random = new byte[24 * 32 * 1024 - 96];
        new Random(3).nextBytes(random);
        byte[] content = RootFiles.squashfs(random);
        try (IndexerService service = TestRepository.newService(repo.store(), repo.root(), Duration.ofMillis(1000),
                Duration.ofHours(1))) {
            service.start();
            Eventually.await("the first catalogue", service::current, c -> c != null);
            List<Long> publishedSizes = new ArrayList<>();

            try (OutputStream out = Files.newOutputStream(root)) {
                for (int chunk = 0; chunk < 24; chunk++) {
                    out.write(content, chunk * 32 * 1024, 32 * 1024);
                    out.flush();
                    Thread.sleep(100);
                    recordPublishedSize(service.current(), publishedSizes);
                }
            }
            PublishedCatalog done = Eventually.await("the complete file", service::current,
                    c -> c.products().containsKey(UBUNTU));

            assertEquals(List.of(), publishedSizes, "published while still being written");
            Item item = done.products().get(UBUNTU).versions().get(V1).items().get("rootfs.squashfs");
            assertEquals(content.length, item.size());
            assertEquals(Digests.sha256(content), item.sha256());
        }
    }

    private static void recordPublishedSize(PublishedCatalog catalog, List<Long> sizes) {
        Product product = catalog.products().get(UBUNTU);
        if (product != null) {
            sizes.add(product.versions().get(V1).items().get("rootfs.squashfs").size());
        }
    }
}
