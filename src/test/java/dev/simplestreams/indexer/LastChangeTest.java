package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static dev.simplestreams.catalog.TestRepository.V3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 5: the status keeps the last pass that changed something beside the last pass. The passes after
 * a cold build find nothing to do, and reporting only theirs (0 ms) hid what the build cost.
 */
class LastChangeTest {

    @TempDir
    Path dir;

    @Test
    void idlePassesLeaveTheBuildsFiguresInPlace() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage("ubuntu:noble:amd64:default", V1, "rootfs.squashfs");
        repo.splitImage("ubuntu:noble:amd64:default", V2, "rootfs.squashfs");
        try (IndexerService service = TestRepository.newService(repo.store(), null, Duration.ZERO,
                Duration.ofMillis(20))) {
            assertNull(service.status().lastChange(), "no pass yet");
            service.start();
            Indexer.Change build = Eventually.await("the cold build", () -> service.status().lastChange(),
                    c -> c != null);
            assertEquals(4, build.filesRead(), "the cold build read two versions of two files");

            Indexing.Status idle = Eventually.await("idle rescans after the build", service::status,
                    s -> s.runs() >= 4);
            assertEquals(build, idle.lastChange(), "passes that found nothing to do leave it alone");
            assertTrue(idle.lastIndexed().isAfter(build.finished()), "while the last pass moves on");

            // Built aside and moved in whole, so that one rescan sees both files.
            TestRepository staging = new TestRepository(dir.resolve("staging"));
            staging.splitImage("ubuntu:noble:amd64:default", V3, "rootfs.squashfs");
            Files.move(staging.dir("ubuntu:noble:amd64:default", V3), repo.dir("ubuntu:noble:amd64:default", V3));
            Indexer.Change added = Eventually.await("the rescan that reads the new version",
                    () -> service.status().lastChange(), c -> !c.equals(build));
            assertEquals(2, added.filesRead(), "only the new version's files");
        }
    }
}
