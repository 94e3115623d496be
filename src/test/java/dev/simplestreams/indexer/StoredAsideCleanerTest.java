package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.StoredAside;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads stored aside do not pile up: older than the retention they go, nothing else does. */
class StoredAsideCleanerTest {

    private static final String PRODUCT = "debian:bookworm:amd64:default";
    private static final String VERSION = "20261120_08:00";

    @TempDir
    Path root;

    @Test
    void onlyStoredAsideUploadsOlderThanTheRetentionAreDeleted() throws Exception {
        TestRepository repo = new TestRepository(root);
        repo.containerImage(PRODUCT, VERSION);
        Instant now = Instant.now();
        long eightDaysAgo = now.minus(Duration.ofDays(8)).toEpochMilli();
        Path old = repo.write(PRODUCT, VERSION, StoredAside.name("rootfs.squashfs", now.minus(Duration.ofDays(8))),
                new byte[] {1});
        Path young = repo.write(PRODUCT, VERSION, StoredAside.name("rootfs.squashfs", now), new byte[] {2});
        Trees.touch(old, eightDaysAgo);
        Path published = repo.file(PRODUCT, VERSION, "rootfs.squashfs");
        Trees.touch(published, eightDaysAgo);

        assertEquals(1, new StoredAsideCleaner(repo.store(), Duration.ofDays(7)).removeExpired(now));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(young));
        assertTrue(Files.exists(published));
    }
}
