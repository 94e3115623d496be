package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static dev.simplestreams.catalog.TestRepository.V3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.RootFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * vcdiff deltas (predecessor defect: treated as root files). A delta is only useful to a client that holds
 * the base image, so it is published with delta_base naming a version still in the catalogue, and a
 * version never becomes complete because of a delta.
 */
class DeltaContractTest {

    private static final byte[] DELTA = RootFiles.vcdiff("delta bytes".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    /** Delta file name for a base version, the root both versions need, and the ftype clients know the delta by. */
    static Stream<Arguments> deltaKinds() {
        return Stream.of(
                Arguments.of("rootfs." + V1 + ".vcdiff", "rootfs.squashfs", "squashfs.vcdiff"),
                Arguments.of("disk." + V1 + ".qcow2.vcdiff", "disk.qcow2", "disk-kvm.img.vcdiff"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deltaKinds")
    void deltaAgainstAPublishedBaseIsPublishedWithDeltaBase(String deltaName, String rootName, String ftype)
            throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, rootName);
        repo.splitImage(UBUNTU, V2, rootName);
        Path delta = repo.write(UBUNTU, V2, deltaName, DELTA);

        TestRepository.Scan scan = repo.scan();

        GoJson.ProductVersionItem item = scan.item(UBUNTU, V2, deltaName);
        assertEquals(ftype, item.ftype());
        assertEquals(V1, item.deltaBase());
        assertEquals(repo.relative(delta), item.path());
        assertEquals(DELTA.length, item.size());
        assertEquals(Digests.sha256(DELTA), item.sha256());
        // The version's image is still the full root, not the delta.
        assertEquals(Set.of("lxd.tar.xz", "incus.tar.xz", rootName, deltaName), scan.items(UBUNTU, V2).keySet());
        assertEquals(Digests.sha256(repo.file(UBUNTU, V2, "lxd.tar.xz"), repo.file(UBUNTU, V2, rootName)),
                scan.catalog().products().get(UBUNTU).versions().get(V2).fingerprints().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deltaKinds")
    void deltaWhoseBaseVersionDoesNotExistIsLeftOut(String deltaName, String rootName, String ftype) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V2, rootName);
        repo.write(UBUNTU, V2, deltaName, DELTA);

        TestRepository.Scan scan = repo.scan();

        assertEquals(Set.of("lxd.tar.xz", "incus.tar.xz", rootName), scan.items(UBUNTU, V2).keySet());
    }

    @Test
    void deltaWhoseBaseIsNotPublishedIsLeftOut() throws Exception {
        TestRepository repo = new TestRepository(dir);
        // V1 exists on disk but is incomplete, so a client cannot hold it.
        repo.write(UBUNTU, V1, "rootfs.squashfs", TestRepository.rootBytes(UBUNTU, V1, "rootfs.squashfs"));
        repo.containerImage(UBUNTU, V2);
        repo.write(UBUNTU, V2, "rootfs." + V1 + ".vcdiff", DELTA);

        TestRepository.Scan scan = repo.scan();

        assertFalse(scan.hasVersion(UBUNTU, V1));
        assertEquals(Set.of("lxd.tar.xz", "incus.tar.xz", "rootfs.squashfs"), scan.items(UBUNTU, V2).keySet());
    }

    @Test
    void squashfsDeltaNeedsASquashfsInTheBase() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, "disk.qcow2");
        repo.splitImage(UBUNTU, V2, "rootfs.squashfs", "disk.qcow2");
        repo.write(UBUNTU, V2, "rootfs." + V1 + ".vcdiff", DELTA);
        repo.write(UBUNTU, V2, "disk." + V1 + ".qcow2.vcdiff", DELTA);

        TestRepository.Scan scan = repo.scan();

        assertNull(scan.items(UBUNTU, V2).get("rootfs." + V1 + ".vcdiff"));
        assertNotNull(scan.items(UBUNTU, V2).get("disk." + V1 + ".qcow2.vcdiff"));
    }

    /** Predecessor defect: a .vcdiff counted as the root, so a version of metadata + delta looked complete. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("deltaKinds")
    void aDeltaNeverMakesAVersionComplete(String deltaName, String rootName, String ftype) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, rootName);
        repo.write(UBUNTU, V2, "lxd.tar.xz", TestRepository.metadataTarball(UBUNTU));
        repo.write(UBUNTU, V2, deltaName, DELTA);

        TestRepository.Scan scan = repo.scan();

        assertFalse(scan.hasVersion(UBUNTU, V2));
        scan.assertProblem(repo.dir(UBUNTU, V2), "incomplete");
    }

    @Test
    void noDeltaIsEverPublishedAsARootOrWithoutItsBase() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, "rootfs.squashfs", "disk.qcow2");
        for (String version : new String[] {V2, V3}) {
            repo.splitImage(UBUNTU, version, "rootfs.squashfs", "disk.qcow2");
            repo.write(UBUNTU, version, "rootfs." + V1 + ".vcdiff", DELTA);
            repo.write(UBUNTU, version, "disk." + V1 + ".qcow2.vcdiff", DELTA);
        }
        repo.write(UBUNTU, V3, "rootfs." + V2 + ".vcdiff", DELTA);
        repo.write(UBUNTU, V3, "rootfs.20200101_00:00.vcdiff", DELTA);

        TestRepository.Scan scan = repo.scan();

        GoJson.Product product = scan.product(UBUNTU);
        long deltas = 0;
        for (GoJson.ProductVersion version : product.versions().values()) {
            for (GoJson.ProductVersionItem item : version.items().values()) {
                boolean isDeltaFile = item.path().endsWith(".vcdiff");
                assertEquals(isDeltaFile, item.ftype().endsWith(".vcdiff"), item.path() + " published as " + item.ftype());
                if (isDeltaFile) {
                    deltas++;
                    assertTrue(product.versions().containsKey(item.deltaBase()), item.path() + " -> " + item.deltaBase());
                } else {
                    assertNull(item.deltaBase());
                }
            }
        }
        // V2: two against V1; V3: two against V1 and one against V2; the one against 20200101 has no base.
        assertEquals(5, deltas);
    }
}
