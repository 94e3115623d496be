package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescans have no file events to wait on: a version with a file modified within the settle time may still
 * be written in place by another tool, so it is read on a later pass, not now.
 */
class SettleTimeTest {

    private static final String PRODUCT = "arch:current:amd64:default";
    private static final String VERSION = "20261120_08:00";

    @TempDir
    Path root;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void aRescanLeavesFreshFilesForALaterPassAndTheUploadPathDoesNot() throws Exception {
        Path dir = Trees.splitImage(root, PRODUCT, VERSION, RootFiles.squashfs(new byte[] {5, 6, 7}));
        Indexer indexer = new Indexer(new FileSystemStore(new DataRoot(root)), new HashCache(), pool, 0,
                Duration.ZERO, Duration.ofMinutes(5));
        VersionKey key = Layout.parseVersionDirectory("images/arch/current/amd64/default/" + VERSION);

        assertTrue(indexer.fullScan().products().isEmpty(), "fresh files are not read by a rescan");
        assertEquals(Set.of(key), indexer.takeRetries());
        assertTrue(indexer.refresh(List.of(key), false).products().isEmpty(), "nor after a watcher event");

        assertEquals(1, indexer.refresh(List.of(key), true).versionCount(), "the upload path knows they are whole");

        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 600_000));
            }
        }
        Indexer restarted = new Indexer(new FileSystemStore(new DataRoot(root)), new HashCache(), pool, 0,
                Duration.ZERO, Duration.ofMinutes(5));
        assertEquals(1, restarted.fullScan().versionCount(), "settled files are read");
        assertTrue(restarted.takeRetries().isEmpty());
    }
}
