package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.config.ObjectStorage;
import dev.simplestreams.config.Settings;
import dev.simplestreams.coordination.SingleServer;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.S3ImageStore;
import dev.simplestreams.testing.CephRgw;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worst case the election is meant to prevent: two replicas that both believe they lead, indexing and
 * publishing at once on one bucket of a real Ceph RGW while uploads arrive through both. The conditional
 * write of the catalogue must keep it correct: a version once published never disappears from the bucket's
 * catalogue (a publisher with a stale view is refused instead of dropping it), and every upload ends up in it;
 * so too with the catalogue split into a products document per product, where each document and the index are
 * written conditionally.
 */
class TwoLeadersIT {

    private static final List<String> PRODUCTS = List.of("race:test:amd64:default", "race:other:amd64:default");

    @ParameterizedTest(name = "CATALOG_SPLIT_BYTES={0}")
    @ValueSource(longs = {Settings.DEFAULT_CATALOG_SPLIT_BYTES, 1})
    void twoReplicasThatBothIndexNeverDropAPublishedVersion(long splitBytes) throws Exception {
        CephRgw rgw = CephRgw.shared();
        String bucket = rgw.createBucket("two-leaders-" + (splitBytes == 1 ? "split" : "whole"));
        List<S3ImageStore> stores = new ArrayList<>();
        List<IndexerService> services = new ArrayList<>();
        // Reading the catalogue tells a store what to write over: the onlooker has a store of its own.
        S3ImageStore onlooker = store(rgw, bucket, "onlooker");
        for (String id : List.of("a", "b")) {
            S3ImageStore store = store(rgw, bucket, id);
            IndexerService service = new IndexerService(store, HashCache.load(store), null,
                    new IndexingSettings(Duration.ZERO, Duration.ofHours(1), 0, Duration.ZERO,
                            Duration.ofDays(7), null, splitBytes),
                    new SingleServer(id));
            service.start();
            stores.add(store);
            services.add(service);
        }
        Set<String> everPublished = new TreeSet<>();
        Set<String> dropped = new TreeSet<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> watcher = pool.submit(() -> {
                while (watching.get()) {
                    Set<String> now = publishedVersions(onlooker);
                    for (String version : everPublished) {
                        if (!now.contains(version)) {
                            dropped.add(version);
                        }
                    }
                    everPublished.addAll(now);
                }
                return null;
            });
            List<Future<String>> uploads = new ArrayList<>();
            for (int side = 0; side < 2; side++) {
                int which = side;
                uploads.add(pool.submit(() -> {
                    Random random = new Random(which);
                    for (int i = 0; i < 6; i++) {
                        String version = String.format("20261126_%02d:%02d", which, i);
                        String dir = Layout.IMAGES + "/" + PRODUCTS.get(i % 2).replace(':', '/') + "/" + version;
                        byte[] random1000 = new byte[1000];
                        random.nextBytes(random1000);
                        byte[] rootfs = RootFiles.squashfs(random1000);
                        write(stores.get(which), dir + "/lxd.tar.xz", Trees.metadataTarXz(Trees.metadataYaml(
                                Trees.kernelArch("amd64"), "race", PRODUCTS.get(i % 2).split(":")[1], "default")));
                        write(stores.get(which), dir + "/rootfs.squashfs", rootfs);
                        try {
                            services.get(which).refreshNow(Layout.parseVersionDirectory(dir));
                        } catch (IOException refused) {
                            // Refused as stale; as the upload path does, leave it to a full rescan.
                            services.get(which).requestRescan();
                        }
                    }
                    return "done";
                }));
            }
            for (Future<String> upload : uploads) {
                upload.get();
            }
            Eventually.await("every upload published", () -> publishedVersions(onlooker), v -> v.size() >= 12);
            watching.set(false);
            watcher.get();
            assertEquals(Set.of(), dropped, "no published version ever left the catalogue");
            assertEquals(12, publishedVersions(onlooker).size(), "every upload is published");
            assertTrue(services.stream().mapToLong(s -> s.status().catalogWrites()).sum() >= 2);
            int documents = CatalogJson.readIndex(onlooker.readIfChanged(CatalogJson.INDEX_PATH, null).orElseThrow()
                    .content()).index().size();
            assertEquals(splitBytes == 1 ? 2 : 1, documents, "products documents");
        } finally {
            pool.shutdownNow();
            services.forEach(IndexerService::close);
            stores.forEach(S3ImageStore::close);
            onlooker.close();
        }
    }

    private static S3ImageStore store(CephRgw rgw, String bucket, String id) {
        return S3ImageStore.connect(new ObjectStorage(rgw.endpoint(), CephRgw.REGION, bucket, "", true, null,
                Duration.ofMinutes(5), ObjectStorage.Election.OBJECT_STORE, ObjectStorage.DEFAULT_LEASE_NAME, Duration.ofSeconds(10), id),
                rgw.credentials());
    }

    private static void write(ImageStore store, String path, byte[] content) throws Exception {
        try (ImageStore.PendingFile pending = store.create(path)) {
            pending.write(content, 0, content.length);
            pending.commit(false);
        }
    }

    /**
     * The versions the bucket's catalogue lists, read as a client reads it: the index, then the documents it names,
     * which the publisher writes before the index.
     */
    private static Set<String> publishedVersions(ImageStore store) throws IOException {
        Optional<ImageStore.Tagged> index = store.readIfChanged(CatalogJson.INDEX_PATH, null);
        Set<String> versions = new TreeSet<>();
        if (index.isPresent()) {
            for (CatalogJson.IndexEntry entry : CatalogJson.readIndex(index.get().content()).index().values()) {
                Optional<ImageStore.Tagged> document = store.readIfChanged(entry.path(), null);
                if (document.isPresent()) {
                    Map<String, Product> products = CatalogJson.readImages(document.get().content()).products();
                    products.forEach((id, p) -> p.versions().keySet().forEach(v -> versions.add(id + " " + v)));
                }
            }
        }
        return versions;
    }
}
