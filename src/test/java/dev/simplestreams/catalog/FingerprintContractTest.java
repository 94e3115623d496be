package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static dev.simplestreams.testing.Digests.sha256;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Items and fingerprints. A client computes nothing itself: it takes the image fingerprint from the
 * metadata item's combined hash for the root it picked (or the unified tarball's sha256) and verifies the
 * download against it, so every one of these values is checked against the test's own sha256 of the files.
 */
class FingerprintContractTest {

    @TempDir
    Path dir;

    /** Root file names users upload, the ftype clients know them by, and the combined hash fields that must name the pair. */
    static Stream<Arguments> rootFiles() {
        return Stream.of(
                Arguments.of("rootfs.squashfs", "squashfs", List.of("combined_squashfs_sha256")),
                Arguments.of("root.squashfs", "squashfs", List.of("combined_squashfs_sha256")),
                Arguments.of("root.tar.xz", "root.tar.xz", List.of("combined_rootxz_sha256", "combined_sha256")),
                Arguments.of("rootfs.tar.xz", "root.tar.xz", List.of("combined_rootxz_sha256", "combined_sha256")),
                Arguments.of("disk.qcow2", "disk-kvm.img", List.of("combined_disk-kvm-img_sha256")),
                Arguments.of("disk-kvm.img", "disk-kvm.img", List.of("combined_disk-kvm-img_sha256")));
    }

    private static final Map<String, Function<GoJson.ProductVersionItem, String>> COMBINED = Map.of(
            "combined_squashfs_sha256", GoJson.ProductVersionItem::combinedSquashfsSha256,
            "combined_rootxz_sha256", GoJson.ProductVersionItem::combinedRootxzSha256,
            "combined_sha256", GoJson.ProductVersionItem::combinedSha256,
            "combined_disk-kvm-img_sha256", GoJson.ProductVersionItem::combinedDiskKvmImgSha256);

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rootFiles")
    void splitImageFingerprintIsSha256OfMetadataFollowedByRoot(String rootName, String ftype, List<String> combinedFields)
            throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, rootName);

        TestRepository.Scan scan = repo.scan();

        String expected = sha256(repo.file(UBUNTU, V1, "lxd.tar.xz"), repo.file(UBUNTU, V1, rootName));
        GoJson.ProductVersionItem root = scan.item(UBUNTU, V1, rootName);
        assertEquals(ftype, root.ftype());
        assertEquals(Set.of("lxd.tar.xz", "incus.tar.xz", rootName), scan.items(UBUNTU, V1).keySet());
        for (String metadataFtype : List.of("lxd.tar.xz", "incus.tar.xz")) {
            GoJson.ProductVersionItem meta = scan.item(UBUNTU, V1, metadataFtype);
            for (Map.Entry<String, Function<GoJson.ProductVersionItem, String>> field : COMBINED.entrySet()) {
                String value = field.getValue().apply(meta);
                if (combinedFields.contains(field.getKey())) {
                    assertEquals(expected, value, metadataFtype + " " + field.getKey());
                } else {
                    assertNull(value, metadataFtype + " " + field.getKey() + " names a root this version does not have");
                }
            }
        }
        assertEquals(List.of(expected), scan.catalog().products().get(UBUNTU).versions().get(V1).fingerprints());
    }

    /** Predecessor defect: the combined hash was taken over every file of the directory in listing order. */
    @Test
    void combinedHashCoversOnlyTheMetadataAndThatOneRoot() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, "disk.qcow2", "rootfs.squashfs");
        repo.write(UBUNTU, V1, "metadata.json", "{\"release_title\": \"22.04 LTS\"}");

        GoJson.ProductVersionItem meta = repo.scan().item(UBUNTU, V1, "lxd.tar.xz");

        List<Path> everyFile;
        try (Stream<Path> listing = Files.list(repo.dir(UBUNTU, V1))) {
            everyFile = listing.sorted().toList();
        }
        String overEveryFile = sha256(everyFile.toArray(Path[]::new));
        assertNotEquals(overEveryFile, meta.combinedSquashfsSha256());
        assertEquals(sha256(repo.file(UBUNTU, V1, "lxd.tar.xz"), repo.file(UBUNTU, V1, "rootfs.squashfs")),
                meta.combinedSquashfsSha256());
    }

    /** One version holding a squashfs and a qcow2 is two images, a container and a VM. */
    @Test
    void containerAndVmInOneVersionGiveTwoFingerprints() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, "rootfs.squashfs", "disk.qcow2");

        TestRepository.Scan scan = repo.scan();

        GoJson.ProductVersionItem meta = scan.item(UBUNTU, V1, "lxd.tar.xz");
        Path metadata = repo.file(UBUNTU, V1, "lxd.tar.xz");
        String container = sha256(metadata, repo.file(UBUNTU, V1, "rootfs.squashfs"));
        String vm = sha256(metadata, repo.file(UBUNTU, V1, "disk.qcow2"));
        assertNotEquals(container, vm);
        assertEquals(container, meta.combinedSquashfsSha256());
        assertEquals(vm, meta.combinedDiskKvmImgSha256());
        assertEquals("squashfs", scan.item(UBUNTU, V1, "rootfs.squashfs").ftype());
        assertEquals("disk-kvm.img", scan.item(UBUNTU, V1, "disk.qcow2").ftype());
        assertEquals(Set.of(container, vm),
                Set.copyOf(scan.catalog().products().get(UBUNTU).versions().get(V1).fingerprints()));
    }

    /**
     * LXD reads only lxd.tar.xz metadata items and Incus only incus.tar.xz: whichever name was uploaded, both
     * items are published, pointing at one file, and never two items of one ftype.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lxd.tar.xz", "incus.tar.xz", "lxd.tar.xz+incus.tar.xz"})
    void bothClientsGetAMetadataItemWhicheverNameWasUploaded(String uploadedAs) throws Exception {
        TestRepository repo = new TestRepository(dir);
        for (String name : uploadedAs.split("\\+")) {
            repo.write(UBUNTU, V1, name, TestRepository.metadataTarball(UBUNTU));
        }
        repo.write(UBUNTU, V1, "rootfs.squashfs", TestRepository.rootBytes(UBUNTU, V1, "rootfs.squashfs"));

        TestRepository.Scan scan = repo.scan();

        Map<String, GoJson.ProductVersionItem> items = scan.items(UBUNTU, V1);
        GoJson.ProductVersionItem lxd = items.get("lxd.tar.xz");
        GoJson.ProductVersionItem incus = items.get("incus.tar.xz");
        assertEquals("lxd.tar.xz", lxd.ftype());
        assertEquals("incus.tar.xz", incus.ftype());
        assertAll(
                () -> assertEquals(lxd.path(), incus.path()),
                () -> assertEquals(lxd.size(), incus.size()),
                () -> assertEquals(lxd.sha256(), incus.sha256()),
                () -> assertEquals(lxd.combinedSquashfsSha256(), incus.combinedSquashfsSha256()),
                () -> assertEquals(sha256(scan.bytesOf(lxd)), lxd.sha256()),
                () -> assertEquals(sha256(scan.bytesOf(lxd), TestRepository.rootBytes(UBUNTU, V1, "rootfs.squashfs")),
                        lxd.combinedSquashfsSha256()));
        assertEachFtypeOnce(items);
    }

    @Test
    void twoDifferentMetadataTarballsInOneVersionAreLeftOutWithAProblem() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.containerImage(UBUNTU, V2);
        repo.write(UBUNTU, V2, "incus.tar.xz", TestRepository.metadataTarballFor(
                dev.simplestreams.testing.Trees.metadataYaml("x86_64", "ubuntu", "jammy", "other")));

        TestRepository.Scan scan = repo.scan();

        assertFalse(scan.hasVersion(UBUNTU, V2), "which of the two would a client get?");
        assertTrue(scan.hasVersion(UBUNTU, V1));
        scan.assertProblem(repo.dir(UBUNTU, V2), "incus.tar.xz");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lxd_combined.tar.gz", "incus_combined.tar.gz", "unified.tar.gz"})
    void unifiedTarballIsPublishedForBothClientsWithItsOwnSha256AsFingerprint(String fileName) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.unifiedImage(UBUNTU, V1, fileName);

        TestRepository.Scan scan = repo.scan();

        Map<String, GoJson.ProductVersionItem> items = scan.items(UBUNTU, V1);
        assertEquals(Set.of("lxd_combined.tar.gz", "incus_combined.tar.gz"), items.keySet());
        String expected = sha256(repo.file(UBUNTU, V1, fileName));
        for (GoJson.ProductVersionItem item : items.values()) {
            assertEquals(repo.root().relativize(repo.file(UBUNTU, V1, fileName)).toString(), item.path());
            assertEquals(expected, item.sha256());
            assertEquals(Files.size(repo.file(UBUNTU, V1, fileName)), item.size());
        }
        assertEquals("lxd_combined.tar.gz", items.get("lxd_combined.tar.gz").ftype());
        assertEquals("incus_combined.tar.gz", items.get("incus_combined.tar.gz").ftype());
        assertEquals(List.of(expected), scan.catalog().products().get(UBUNTU).versions().get(V1).fingerprints());
    }

    /**
     * Clients find images by fingerprint prefix: two images with one fingerprint make both unreachable by it.
     * The tree cannot tell original from copy, so the rule is the deterministic one: the version that sorts
     * first (product id, then version) keeps it.
     */
    @Test
    void aCopiedVersionIsLeftOutWithAProblem() throws Exception {
        TestRepository repo = new TestRepository(dir);
        String laterProduct = "ubuntu:noble:amd64:default";
        repo.containerImage(UBUNTU, V1);
        TestRepository.copyTree(repo.dir(UBUNTU, V1), repo.dir(UBUNTU, V2));
        TestRepository.copyTree(repo.dir(UBUNTU, V1), repo.dir(laterProduct, V1));

        TestRepository.Scan scan = repo.scan();

        assertEquals(List.of(V1), List.copyOf(scan.product(UBUNTU).versions().keySet()));
        assertFalse(scan.hasProduct(laterProduct));
        scan.assertProblem(repo.dir(UBUNTU, V2), "fingerprint");
        scan.assertProblem(repo.dir(laterProduct, V1), "fingerprint");
    }

    @Test
    void aCopyInAProductThatSortsFirstKeepsTheFingerprintInstead() throws Exception {
        TestRepository repo = new TestRepository(dir);
        String earlierProduct = "alpine:edge:amd64:default";
        repo.containerImage(UBUNTU, V1);
        repo.containerImage(UBUNTU, V2);
        TestRepository.copyTree(repo.dir(UBUNTU, V2), repo.dir(earlierProduct, V1));

        TestRepository.Scan scan = repo.scan();

        assertTrue(scan.hasVersion(earlierProduct, V1));
        assertEquals(List.of(V1), List.copyOf(scan.product(UBUNTU).versions().keySet()));
        scan.assertProblem(repo.dir(UBUNTU, V2), "fingerprint");
    }

    @Test
    void fingerprintsAreUniqueAcrossTheRepository() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, "rootfs.squashfs", "disk.qcow2");
        repo.splitImage(UBUNTU, V2, "root.tar.xz");
        repo.unifiedImage("alpine:3.20:arm64:default", V1, "lxd_combined.tar.gz");
        repo.splitImage("debian:bookworm:amd64:cloud", V1, "rootfs.squashfs");
        TestRepository.copyTree(repo.dir(UBUNTU, V2), repo.dir("ubuntu:noble:amd64:default", V1));

        TestRepository.Scan scan = repo.scan();

        // What a client would compute, from the JSON alone.
        List<String> fingerprints = new ArrayList<>();
        for (GoJson.Product product : scan.images().products().values()) {
            for (GoJson.ProductVersion version : product.versions().values()) {
                GoJson.ProductVersionItem meta = version.items().get("lxd.tar.xz");
                for (GoJson.ProductVersionItem item : version.items().values()) {
                    switch (item.ftype()) {
                        case "squashfs" -> fingerprints.add(meta.combinedSquashfsSha256());
                        case "root.tar.xz" -> fingerprints.add(meta.combinedRootxzSha256());
                        case "disk-kvm.img" -> fingerprints.add(meta.combinedDiskKvmImgSha256());
                        case "lxd_combined.tar.gz" -> fingerprints.add(item.sha256());
                        default -> { }
                    }
                }
            }
        }
        assertEquals(5, fingerprints.size(), fingerprints.toString());
        assertEquals(fingerprints.size(), new HashSet<>(fingerprints).size(), "duplicate fingerprint: " + fingerprints);
        scan.assertProblem(repo.dir("ubuntu:noble:amd64:default", V1), "fingerprint");
    }

    static void assertEachFtypeOnce(Map<String, GoJson.ProductVersionItem> items) {
        List<String> ftypes = items.values().stream().map(GoJson.ProductVersionItem::ftype).toList();
        assertEquals(ftypes.size(), Set.copyOf(ftypes).size(), "an ftype twice in one version: " + ftypes);
    }
}
