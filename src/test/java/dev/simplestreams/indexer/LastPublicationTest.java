package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.config.Settings;
import dev.simplestreams.coordination.SingleServer;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.Gpg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 2: a restart serves the catalogue published before a clean stop while its first pass checks the
 * tree, and only when the store still holds exactly that catalogue, signed as the server signs now. Each case
 * looks at what is served when the first pass lists the tree.
 */
class LastPublicationTest {

    private static final String PRODUCT = "ubuntu:noble:amd64:default";

    @TempDir
    Path dir;

    private TestRepository repo;

    /** Publishes V1 and stops cleanly; V2 is then added while the server is down. */
    private PublishedCatalog publishAndStop() throws Exception {
        repo = new TestRepository(dir);
        repo.splitImage(PRODUCT, V1, "rootfs.squashfs");
        PublishedCatalog published;
        try (IndexerService server = service(repo.store(), null)) {
            server.start();
            published = Eventually.await("the first catalogue", server::current, Objects::nonNull);
        }
        repo.splitImage(PRODUCT, V2, "rootfs.squashfs");
        return published;
    }

    /** Starts a server on the repository; what it serves when its first pass lists the tree, and after that pass. */
    private PublishedCatalog[] restart(ClearSigner signer) throws Exception {
        StoreProbe probe = StoreProbe.around(repo.store());
        AtomicReference<IndexerService> server = new AtomicReference<>();
        AtomicReference<PublishedCatalog> servedDuringFirstPass = new AtomicReference<>();
        CountDownLatch listed = new CountDownLatch(1);
        probe.beforeFirst("list", StoreProbe.any(), () -> {
            servedDuringFirstPass.set(server.get().current());
            listed.countDown();
        });
        try (IndexerService restarted = service(probe.store(), signer)) {
            server.set(restarted);
            restarted.start();
            PublishedCatalog built = Eventually.await("the first pass's catalogue", restarted::current,
                    c -> c != null && c.products().get(PRODUCT).versions().containsKey(V2));
            assertEquals(0, listed.getCount());
            return new PublishedCatalog[] {servedDuringFirstPass.get(), built};
        }
    }

    private static IndexerService service(ImageStore store, ClearSigner signer) {
        return new IndexerService(store, HashCache.load(store), null, new IndexingSettings(Duration.ZERO,
                Duration.ofHours(1), 0, Duration.ZERO, Duration.ofDays(7), signer,
                Settings.DEFAULT_CATALOG_SPLIT_BYTES), new SingleServer("test"));
    }

    @Test
    void aRestartServesWhatWasPublishedBeforeTheStopUntilItsFirstPassHasPublished() throws Exception {
        PublishedCatalog beforeStop = publishAndStop();

        PublishedCatalog[] served = restart(null);

        assertNotNull(served[0], "served while the first pass runs");
        assertArrayEquals(beforeStop.imagesJson(), served[0].imagesJson());
        assertArrayEquals(beforeStop.indexJson(), served[0].indexJson());
        assertEquals(beforeStop.products().get(PRODUCT).versions().keySet(),
                served[0].products().get(PRODUCT).versions().keySet());
    }

    @Test
    void aCatalogueRewrittenWhileTheServerWasDownWaitsForTheFirstPass() throws Exception {
        publishAndStop();
        Path images = repo.root().resolve(CatalogJson.IMAGES_PATH);
        Files.writeString(images, Files.readString(images).replace(V1, "20241125_13:00"));

        assertNull(restart(null)[0]);
    }

    @Test
    void aServerThatDidNotStopCleanlyWaitsForTheFirstPass() throws Exception {
        publishAndStop();
        repo.store().deleteState(LastPublication.STATE);

        assertNull(restart(null)[0]);
    }

    @Test
    void aCatalogueSignedOtherwiseThanNowWaitsForTheFirstPass(@TempDir Path keys) throws Exception {
        publishAndStop();
        try (Gpg gpg = Gpg.in(keys)) {
            String key = gpg.generateKey("Images <images@example.com>", "");
            ClearSigner signer = gpg.signer(key);

            PublishedCatalog[] served = restart(signer);

            assertNull(served[0], "published unsigned, signed now");
            assertEquals(key, served[1].signedBy());
        }
    }
}
