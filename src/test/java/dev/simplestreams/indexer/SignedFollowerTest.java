package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.config.Settings;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.Gpg;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that does not index serves the leader's signed documents, and only a signature of exactly the
 * state it serves: a signed form of another state (the leader between two writes) waits for the next poll.
 */
class SignedFollowerTest {

    private static final String PRODUCT = "alpine:3.20:amd64:default";

    @TempDir
    static Path keys;
    private static Gpg gpg;
    private static String fingerprint;
    private static ClearSigner signer;
    private static final ExecutorService POOL = Executors.newSingleThreadExecutor();

    @TempDir
    Path root;

    @BeforeAll
    static void makeKey() throws Exception {
        gpg = Gpg.in(keys);
        fingerprint = gpg.generateKey("Leader <leader@example.com>", "");
        signer = gpg.signer(fingerprint);
    }

    @AfterAll
    static void stop() {
        gpg.close();
        POOL.shutdownNow();
    }

    @Test
    void aFollowerServesTheLeadersSignaturesOfExactlyItsState() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        Trees.splitImage(root, PRODUCT, "20261101_00:00", RootFiles.squashfs(new byte[] {1}));
        leader(store).fullScan();
        byte[] firstSigned = Files.readAllBytes(root.resolve("streams/v1/images.sjson"));
        Trees.splitImage(root, PRODUCT, "20261102_00:00", RootFiles.squashfs(new byte[] {2}));
        PublishedCatalog second = leader(store).fullScan();

        // The second images.json beside the first one's signature: not served until they agree.
        Files.write(root.resolve("streams/v1/images.sjson"), firstSigned);
        assertNull(new CatalogFollower(store).poll(), "no state whose signature does not match it");

        Files.write(root.resolve("streams/v1/images.sjson"), second.signedDocument("streams/v1/images.sjson"));
        PublishedCatalog followed = new CatalogFollower(store).poll();
        assertArrayEquals(second.imagesJson(), followed.imagesJson());
        assertArrayEquals(second.signedDocument("streams/v1/images.sjson"),
                followed.signedDocument("streams/v1/images.sjson"));
        assertArrayEquals(second.signedDocument("streams/v1/index.sjson"),
                followed.signedDocument("streams/v1/index.sjson"));
        assertEquals(fingerprint, followed.signedBy());
    }

    @Test
    void aLeaderWithoutTheKeyRemovesOldSignaturesAndFollowersServeNone() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        Trees.splitImage(root, PRODUCT, "20261101_00:00", RootFiles.squashfs(new byte[] {1}));
        leader(store).fullScan();

        new Indexer(store, new HashCache(), POOL, 0, Duration.ZERO, Duration.ZERO).fullScan();

        assertFalse(Files.exists(root.resolve("streams/v1/images.sjson")));
        assertFalse(Files.exists(root.resolve("streams/v1/index.sjson")));
        PublishedCatalog followed = new CatalogFollower(store).poll();
        assertNull(followed.signedBy());
        assertNull(followed.signedDocument("streams/v1/images.sjson"));
    }

    private static Indexer leader(FileSystemStore store) {
        return new Indexer(store, new HashCache(), POOL, 0, Duration.ZERO, Duration.ZERO, AuditTrail.NONE,
                signer, Settings.DEFAULT_CATALOG_SPLIT_BYTES);
    }
}
