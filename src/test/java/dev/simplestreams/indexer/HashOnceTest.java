package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.RootFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashes are computed once. Predecessor defect: every restart and every update re-hashed every file, so
 * images appeared "after seconds" (minutes, on real trees). The counts come from the indexer's own counters
 * and, independently, from a probe on the store that sees every file opened.
 */
class HashOnceTest {

    private static final String[] ARCHES = {"amd64", "arm64", "riscv64", "s390x", "ppc64el"};

    @TempDir
    Path dir;

    /** Twenty products, two versions each, every image kind, overrides and deltas. */
    private static TestRepository largeTree(Path root) throws Exception {
        TestRepository repo = new TestRepository(root);
        for (String os : new String[] {"ubuntu", "debian", "alpine", "fedora"}) {
            for (String arch : ARCHES) {
                String product = os + ":stable:" + arch + ":default";
                repo.splitImage(product, V1, "rootfs.squashfs", "disk.qcow2");
                repo.splitImage(product, V2, "rootfs.squashfs", "root.tar.xz");
                repo.write(product, V2, "rootfs." + V1 + ".vcdiff", "delta of " + product);
                repo.write(product, V2, "metadata.json", "{\"release_title\": \"Stable\"}");
            }
        }
        repo.unifiedImage("busybox:1:amd64:default", V1, "lxd_combined.tar.gz");
        return repo;
    }

    @Test
    void aRestartOverAnUnchangedTreeReadsNoFile() throws Exception {
        TestRepository repo = largeTree(dir);
        TestRepository.Scan before = repo.scan();
        long imageFiles;
        try (var walk = Files.walk(dir.resolve("images"))) {
            imageFiles = walk.filter(Files::isRegularFile).filter(f -> !f.endsWith("metadata.json")).count();
        }
        assertEquals(imageFiles, repo.indexer().filesRead(), "the first pass reads every image file, each once");
        assertTrue(Files.isRegularFile(dir.resolve(".state/hash-cache.bin")), "the cache is persisted");

        StoreProbe probe = StoreProbe.around(repo.store());
        Indexer restarted = repo.restartWith(probe.store());
        TestRepository.Scan after = repo.scan();

        assertEquals(0, restarted.filesRead());
        assertEquals(0, restarted.bytesRead());
        // metadata.json (at most 64 KiB) is parsed again; no image file is even opened.
        assertEquals(List.of(), probe.opened().stream().filter(path -> !path.endsWith("/metadata.json")).toList());
        assertEquals(before.imagesWithoutTimestamp(), after.imagesWithoutTimestamp());
    }

    /**
     * A cache saved before files were checked (in the JSON of the servers of then): each root file and delta is
     * checked once, from its ends.
     */
    @Test
    void aCacheFromBeforeTheContentCheckCostsOneLookAtEachEndOfAFile() throws Exception {
        TestRepository repo = largeTree(dir);
        TestRepository.Scan before = repo.scan();
        String cache = new ObjectMapper().writeValueAsString(HashCache.load(repo.store()).under("images"));
        assertTrue(cache.contains("\"contentChecked\":true"), "what a current server saves");
        Files.writeString(dir.resolve(".state/hash-cache.json"),
                cache.replace(",\"contentChecked\":true", "").replace(",\"contentChecked\":false", ""));
        Files.delete(dir.resolve(".state/hash-cache.bin"));

        StoreProbe probe = StoreProbe.around(repo.store());
        Indexer restarted = repo.restartWith(probe.store());
        TestRepository.Scan after = repo.scan();

        assertEquals(0, restarted.filesRead(), "nothing is hashed again");
        assertEquals(before.imagesWithoutTimestamp(), after.imagesWithoutTimestamp());
        assertTrue(probe.opened().stream().anyMatch(path -> path.endsWith("/rootfs.squashfs")), "the ends were read");
        probe.forgetOpened();
        repo.restartWith(probe.store());
        repo.scan();
        assertEquals(List.of(), probe.opened().stream().filter(path -> !path.endsWith("/metadata.json")).toList(),
                "the check was remembered");
    }

    @Test
    void aPassOverAnUnchangedTreeOpensNothing() throws Exception {
        TestRepository repo = largeTree(dir);
        repo.scan();
        StoreProbe probe = StoreProbe.around(repo.store());
        Indexer indexer = repo.restartWith(probe.store());
        repo.scan();
        probe.forgetOpened();

        repo.scan();
        repo.scan();

        assertEquals(List.of(), probe.opened());
        assertEquals(0, indexer.filesRead());
    }

    @Test
    void changingOneFileReReadsOnlyThatVersion() throws Exception {
        TestRepository repo = largeTree(dir);
        repo.scan();
        StoreProbe probe = StoreProbe.around(repo.store());
        Indexer indexer = repo.restartWith(probe.store());
        repo.scan();
        probe.forgetOpened();
        String changed = "debian:stable:arm64:default";
        byte[] newRoot = RootFiles.squashfs("a rebuilt root, longer than the one before it".getBytes());
        Path root = repo.write(changed, V1, "rootfs.squashfs", newRoot);

        TestRepository.Scan scan = repo.scan();

        Path meta = repo.file(changed, V1, "lxd.tar.xz");
        // The root, and the small metadata tarball again to seed the combined digest; nothing else.
        assertEquals(2, indexer.filesRead());
        assertEquals(newRoot.length + Files.size(meta), indexer.bytesRead());
        assertEquals(List.of(repo.relative(meta), repo.relative(root)),
                probe.opened().stream().filter(path -> !path.endsWith("/metadata.json")).sorted().toList());
        assertEquals(Digests.sha256(newRoot), scan.item(changed, V1, "rootfs.squashfs").sha256());
        assertEquals(Digests.sha256(meta, root), scan.item(changed, V1, "lxd.tar.xz").combinedSquashfsSha256());
    }

    /**
     * Uploads usually send the metadata tarball first. When the (large) root arrives, its bytes are read once:
     * its own sha256 and the combined fingerprint come from one read.
     */
    @Test
    void aRootArrivingAfterItsMetadataIsReadOnce() throws Exception {
        TestRepository repo = new TestRepository(dir);
        String product = TestRepository.UBUNTU;
        Path meta = repo.write(product, V1, "lxd.tar.xz", TestRepository.metadataTarball(product));
        StoreProbe probe = StoreProbe.around(repo.store());
        Indexer indexer = repo.restartWith(probe.store());
        repo.scan();
        assertEquals(Files.size(meta), indexer.bytesRead());
        byte[] random = new byte[3 << 20];
        new Random(7).nextBytes(random);
        byte[] rootfs = RootFiles.squashfs(random);
        Path root = repo.write(product, V1, "rootfs.squashfs", rootfs);
        long before = indexer.bytesRead();

        TestRepository.Scan scan = repo.scan();

        assertEquals(rootfs.length + Files.size(meta), indexer.bytesRead() - before,
                "the root once, plus the small metadata tarball to seed the combined digest");
        assertEquals(1, probe.opened().stream().filter(repo.relative(root)::equals).count());
        assertEquals(Digests.sha256(meta, root), scan.item(product, V1, "lxd.tar.xz").combinedSquashfsSha256());
        assertEquals(Digests.sha256(rootfs), scan.item(product, V1, "rootfs.squashfs").sha256());
    }

    @Test
    void aReplacedMetadataTarballIsReHashedWithEveryRootOfItsVersion() throws Exception {
        TestRepository repo = new TestRepository(dir);
        String product = TestRepository.UBUNTU;
        repo.splitImage(product, V1, "rootfs.squashfs", "disk.qcow2");
        repo.scan();
        Path meta = repo.write(product, V1, "lxd.tar.xz", TestRepository.metadataTarballFor(
                dev.simplestreams.testing.Trees.metadataYaml("x86_64", "ubuntu", "jammy", "rebuilt")));

        TestRepository.Scan scan = repo.scan();

        // A stale combined hash would be a fingerprint no download matches.
        assertEquals(Digests.sha256(meta, repo.file(product, V1, "rootfs.squashfs")),
                scan.item(product, V1, "incus.tar.xz").combinedSquashfsSha256());
        assertEquals(Digests.sha256(meta, repo.file(product, V1, "disk.qcow2")),
                scan.item(product, V1, "incus.tar.xz").combinedDiskKvmImgSha256());
    }
}
