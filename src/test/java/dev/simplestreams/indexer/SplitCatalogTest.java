package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Products;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.Gpg;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalogue larger than CATALOG_SPLIT_BYTES is published as several signed products documents: on disk exactly
 * as served, an upload rewriting only the document of its product, and followers and restarts serving it as the
 * leader did; when it no longer needs splitting, the documents of the split are removed.
 */
class SplitCatalogTest {

    private static final int PRODUCTS = 12;
    private static final long SPLIT_BYTES = 1_500;

    @TempDir
    static Path keys;
    private static Gpg gpg;
    private static Path keyring;
    private static ClearSigner signer;
    private static final ExecutorService POOL = Executors.newSingleThreadExecutor();

    @TempDir
    Path root;

    @BeforeAll
    static void makeKey() throws Exception {
        gpg = Gpg.in(keys);
        String fingerprint = gpg.generateKey("Leader <leader@example.com>", "");
        keyring = Files.write(keys.resolve("key.gpg"), gpg.exportPublicKey(fingerprint));
        signer = gpg.signer(fingerprint);
    }

    @AfterAll
    static void stop() {
        gpg.close();
        POOL.shutdownNow();
    }

    @Test
    void aLargeCatalogueIsSeveralSignedDocumentsAndAnUploadRewritesOne() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        for (int p = 0; p < PRODUCTS; p++) {
            Trees.splitImage(root, product(p), "20261101_00:00", RootFiles.squashfs(new byte[] {(byte) p}));
        }
        Indexer leader = indexer(store, SPLIT_BYTES);
        PublishedCatalog first = leader.fullScan();

        assertTrue(first.documents().size() > 2, "documents: " + first.documents().keySet());
        assertEquals(first.documents().keySet(), catalogueFiles(".json", "index.json"));
        assertEquals(signedNames(first.documents().keySet()), catalogueFiles(".sjson", "index.sjson"));
        CatalogJson.Index index = CatalogJson.readIndex(read(CatalogJson.INDEX_PATH));
        assertEquals(first.documents().keySet(),
                index.index().values().stream().map(CatalogJson.IndexEntry::path).collect(Collectors.toSet()));
        TreeMap<String, Object> fromDocuments = new TreeMap<>();
        for (Map.Entry<String, byte[]> document : first.documents().entrySet()) {
            assertArrayEquals(document.getValue(), read(document.getKey()));
            Products part = CatalogJson.readImages(document.getValue());
            fromDocuments.putAll(part.products());
            Path signed = root.resolve(CatalogJson.signedPath(document.getKey()));
            assertTrue(gpg.gpgv(keyring, signed).ok(), signed + " verifies");
            assertEquals(JSON.readTree(document.getValue()), JSON.readTree(gpg.signedText(signed)));
        }
        assertEquals(first.products().keySet(), fromDocuments.keySet());
        assertTrue(gpg.gpgv(keyring, root.resolve("streams/v1/index.sjson")).ok());
        assertEquals(PRODUCTS, JSON.readTree(first.imagesJson()).get("products").size(),
                "images.json, served though not on disk, is the whole catalogue");

        Map<String, byte[]> before = files();
        Trees.splitImage(root, product(3), "20261102_00:00", RootFiles.squashfs(new byte[] {3, 3}));
        PublishedCatalog second = leader.fullScan();
        Map<String, byte[]> after = files();
        String changed = second.documents().entrySet().stream()
                .filter(d -> new String(d.getValue()).contains(product(3))).findFirst().orElseThrow().getKey();
        // The index names the same products, and its times may be of the same second: it may be rewritten or not.
        before.keySet().removeIf(path -> path.startsWith("streams/v1/index."));
        for (String path : before.keySet()) {
            boolean rewritten = path.equals(changed) || path.equals(CatalogJson.signedPath(changed));
            assertEquals(rewritten, !Arrays.equals(before.get(path), after.get(path)), path);
        }

        PublishedCatalog followed = new CatalogFollower(store).poll();
        assertDocumentsEqual(second, followed);
        assertArrayEquals(second.imagesJson(), followed.imagesJson());

        LastPublication last = new LastPublication(store, signer.fingerprint());
        last.record(second);
        PublishedCatalog restarted = last.load();
        assertDocumentsEqual(second, restarted);
        assertEquals(second.products().keySet(), restarted.products().keySet());
        assertEquals(JSON.readTree(second.imagesJson()), JSON.readTree(restarted.imagesJson()));
    }

    @Test
    void aCatalogueThatNoLongerNeedsSplittingIsOneDocumentAgain() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        for (int p = 0; p < PRODUCTS; p++) {
            Trees.splitImage(root, product(p), "20261101_00:00", RootFiles.squashfs(new byte[] {(byte) p}));
        }
        indexer(store, SPLIT_BYTES).fullScan();

        PublishedCatalog whole = indexer(store, Long.MAX_VALUE).fullScan();

        assertEquals(List.of(CatalogJson.IMAGES_PATH), List.copyOf(whole.documents().keySet()));
        assertEquals(Set.of(CatalogJson.IMAGES_PATH), catalogueFiles(".json", "index.json"));
        assertEquals(Set.of(CatalogJson.signedPath(CatalogJson.IMAGES_PATH)), catalogueFiles(".sjson", "index.sjson"));
        assertArrayEquals(whole.imagesJson(), read(CatalogJson.IMAGES_PATH));
        assertNotEquals(0, JSON.readTree(read(CatalogJson.INDEX_PATH)).at("/index/images/products").size());
    }

    private static void assertDocumentsEqual(PublishedCatalog expected, PublishedCatalog actual) {
        assertArrayEquals(expected.indexJson(), actual.indexJson());
        assertEquals(expected.documents().keySet(), actual.documents().keySet());
        expected.documents().forEach((path, bytes) -> assertArrayEquals(bytes, actual.documents().get(path), path));
        assertEquals(expected.signedDocuments().keySet(), actual.signedDocuments().keySet());
        expected.signedDocuments().forEach((path, bytes) ->
                assertArrayEquals(bytes, actual.signedDocument(path), path));
    }

    private static String product(int p) {
        return "alpine:3." + p + ":amd64:default";
    }

    private static Indexer indexer(FileSystemStore store, long splitBytes) {
        return new Indexer(store, new HashCache(), POOL, 0, Duration.ZERO, Duration.ZERO, AuditTrail.NONE, signer,
                splitBytes);
    }

    private static Set<String> signedNames(Set<String> paths) {
        return paths.stream().map(CatalogJson::signedPath).collect(Collectors.toSet());
    }

    /** The files in streams/v1 ending with {@code suffix}, {@code except} the index. */
    private Set<String> catalogueFiles(String suffix, String except) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("streams/v1"))) {
            return files.map(f -> "streams/v1/" + f.getFileName()).filter(p -> p.endsWith(suffix))
                    .filter(p -> !p.endsWith("/" + except)).collect(Collectors.toSet());
        }
    }

    private Map<String, byte[]> files() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("streams/v1"))) {
            return files.collect(Collectors.toMap(f -> "streams/v1/" + f.getFileName(), f -> {
                try {
                    return Files.readAllBytes(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
    }

    private byte[] read(String path) throws IOException {
        return Files.readAllBytes(root.resolve(path));
    }
}
