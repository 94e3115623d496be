package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files reach the data root by kubectl cp, rsync, restores and other pods, not only by our uploads. The
 * periodic rescan is set to an hour here, so everything these tests see arrives through file events.
 * Predecessor defect: new nested directories were sometimes not watched, so uploads went unnoticed.
 */
class WatchedTreeTest {

    private static final Duration NO_RESCAN = Duration.ofHours(1);
    private static final String OTHER = "ubuntu:noble:arm64:cloud";

    @TempDir
    Path dir;

    private TestRepository repo;
    private IndexerService service;

    @BeforeEach
    void startWatching() throws Exception {
        repo = new TestRepository(dir.resolve("root"));
        service = TestRepository.newService(repo.store(), repo.root(), Duration.ofMillis(100), NO_RESCAN);
        service.start();
        Eventually.await("the first catalogue", service::current, c -> c != null);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private PublishedCatalog awaitVersions(String product, Set<String> versions) {
        return Eventually.await(product + " with versions " + versions, service::current, c -> {
            Product p = c.products().get(product);
            return versions.isEmpty() ? p == null : p != null && p.versions().keySet().equals(versions);
        });
    }

    @Test
    void aWholeTreeMovedInAtOnceIsPublishedAndThenWatched() throws Exception {
        // Built elsewhere on the same filesystem, then renamed in: one event for the top directory only.
        Path staging = dir.resolve("staging");
        TestRepository elsewhere = new TestRepository(staging);
        elsewhere.containerImage(UBUNTU, V1);
        elsewhere.splitImage(UBUNTU, V2, "disk.qcow2");
        elsewhere.containerImage("ubuntu:noble:arm64:cloud", V1);
        Files.move(staging.resolve("images/ubuntu"), repo.root().resolve("images/ubuntu"), StandardCopyOption.ATOMIC_MOVE);

        awaitVersions(UBUNTU, Set.of(V1, V2));
        awaitVersions("ubuntu:noble:arm64:cloud", Set.of(V1));

        // The moved-in directories are watched too: a file added deep inside is seen.
        repo.splitImage("ubuntu:noble:arm64:cloud", V2, "rootfs.squashfs");
        awaitVersions("ubuntu:noble:arm64:cloud", Set.of(V1, V2));
    }

    @Test
    void directoriesCreatedOneLevelAtATimeAreWatched() throws Exception {
        Path version = repo.dir(UBUNTU, V1);
        for (Path level = repo.root().resolve("images"); !level.equals(version); ) {
            level = level.resolve(version.getName(level.getNameCount()));
            Files.createDirectory(level);
            Thread.sleep(20);
        }
        Thread.sleep(200);

        repo.containerImage(UBUNTU, V1);

        awaitVersions(UBUNTU, Set.of(V1));
    }

    @Test
    void deletionsAreFollowed() throws Exception {
        repo.containerImage(UBUNTU, V1);
        repo.containerImage(UBUNTU, V2);
        awaitVersions(UBUNTU, Set.of(V1, V2));

        Files.delete(repo.file(UBUNTU, V2, "rootfs.squashfs"));
        awaitVersions(UBUNTU, Set.of(V1));

        Trees.deleteTree(repo.root().resolve("images/ubuntu"));
        awaitVersions(UBUNTU, Set.of());
    }

    @Test
    void aVersionRenamedInPlaceIsFollowedAndStaysWatched() throws Exception {
        repo.containerImage(UBUNTU, V1);
        awaitVersions(UBUNTU, Set.of(V1));

        Files.move(repo.dir(UBUNTU, V1), repo.dir(UBUNTU, V2), StandardCopyOption.ATOMIC_MOVE);
        awaitVersions(UBUNTU, Set.of(V2));

        // The renamed directory keeps its watch, which must now report the new name.
        Files.delete(repo.file(UBUNTU, V2, "rootfs.squashfs"));
        awaitVersions(UBUNTU, Set.of());
        repo.write(UBUNTU, V2, "root.tar.xz", TestRepository.rootBytes(UBUNTU, V2, "root.tar.xz"));
        PublishedCatalog catalog = awaitVersions(UBUNTU, Set.of(V2));
        assertEquals("root.tar.xz", catalog.products().get(UBUNTU).versions().get(V2).items().get("root.tar.xz").ftype());
    }

    @Test
    void rsyncStyleTemporaryNamesArePublishedOnlyOnceRenamed() throws Exception {
        repo.write(UBUNTU, V1, "lxd.tar.xz", TestRepository.metadataTarball(UBUNTU));
        Path temporary = repo.write(UBUNTU, V1, ".rootfs.squashfs.Xy12Ab",
                TestRepository.rootBytes(UBUNTU, V1, "rootfs.squashfs"));
        // Another product, written after the temporary, marks a pass that has read the temporary's version too.
        repo.containerImage(OTHER, V1);
        PublishedCatalog afterTemporary = awaitVersions(OTHER, Set.of(V1));
        assertEquals(null, afterTemporary.products().get(UBUNTU), "nothing complete yet");

        Files.move(temporary, repo.file(UBUNTU, V1, "rootfs.squashfs"), StandardCopyOption.ATOMIC_MOVE);

        awaitVersions(UBUNTU, Set.of(V1));
    }
}
