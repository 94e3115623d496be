package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.config.ObjectStorage;
import dev.simplestreams.indexer.Indexer;
import dev.simplestreams.testing.CephRgw;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Moving a filesystem data root into a bucket of a real Ceph RGW: everything arrives verified, a rerun
 * copies nothing and verifies everything, a file the bucket holds with other bytes is reported and left
 * alone, and the indexing replica then publishes the same catalogue without reading a file again.
 */
class MigrationIT {

    private static final String PRODUCT = "ubuntu:jammy:amd64:default";

    @Test
    void aDataRootMovesIntoABucketVerifiedAndResumable(@TempDir Path root) throws Exception {
        Random random = new Random(7);
        for (String version : List.of("20241125_12:00", "20241126_12:00", "20241127_12:00")) {
            byte[] rootfs = new byte[version.endsWith("27_12:00") ? S3PendingFile.PART_SIZE + 100 : 3000];
            random.nextBytes(rootfs);
            Trees.splitImage(root, PRODUCT, version, RootFiles.squashfs(rootfs));
        }
        FileSystemStore source = new FileSystemStore(new DataRoot(root));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        PublishedCatalog local = new Indexer(source, HashCache.load(source), pool, 0, Duration.ZERO, Duration.ZERO)
                .fullScan();

        CephRgw rgw = CephRgw.shared();
        String bucket = rgw.createBucket("migration");
        S3ImageStore target = new S3ImageStore(rgw.client(), rgw.presigner(), new ObjectStorage(rgw.endpoint(),
                CephRgw.REGION, bucket, "", true, null, Duration.ofMinutes(5), ObjectStorage.Election.OBJECT_STORE, ObjectStorage.DEFAULT_LEASE_NAME,
                Duration.ofSeconds(10), "migration"));
        // An interrupted earlier run: one file already there, another there with other bytes.
        String present = "images/ubuntu/jammy/amd64/default/20241125_12:00/lxd.tar.xz";
        String different = "images/ubuntu/jammy/amd64/default/20241126_12:00/lxd.tar.xz";
        try (S3Client s3 = rgw.client()) {
            s3.putObject(r -> r.bucket(bucket).key(present), RequestBody.fromFile(root.resolve(present)));
            s3.putObject(r -> r.bucket(bucket).key(different), RequestBody.fromString("not the tarball"));
        }

        Migration.Report first = new Migration(source, target).run();
        assertEquals(4, first.copied());
        assertEquals(2, first.verified());
        assertEquals(1, first.failed().size(), first.failed().toString());
        assertTrue(first.failed().get(0).startsWith(different + ": the bucket holds other bytes"), first.failed().get(0));
        try (InputStream in = target.open(different)) {
            assertArrayEquals("not the tarball".getBytes(), in.readAllBytes(), "a differing file is never overwritten");
        }

        target.delete(different);
        Migration.Report second = new Migration(source, target).run();
        assertEquals(new Migration.Report(1, 5, List.of()), second, "a rerun copies only what is missing");
        for (StoredFile file : source.list("images")) {
            try (InputStream disk = Files.newInputStream(root.resolve(file.path())); InputStream up = target.open(file.path())) {
                assertArrayEquals(disk.readAllBytes(), up.readAllBytes(), file.path());
            }
        }

        Indexer indexer = new Indexer(target, HashCache.load(target), pool, 0, Duration.ZERO, Duration.ZERO);
        PublishedCatalog inBucket = indexer.fullScan();
        assertEquals(local.products(), inBucket.products(), "the same catalogue from the bucket");
        assertEquals(0, indexer.filesRead(), "the migrated hashes are used: no file is read again");
        pool.shutdownNow();
    }
}
