package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.config.Settings;
import dev.simplestreams.coordination.SingleServer;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst of files copied in by another tool is coalesced into a handful of catalogue writes. */
class WatcherBurstTest {

    private static final int VERSIONS = 5_000;
    /** Hashing 10,000 files on a busy machine; the wait ends as soon as they are published. */
    private static final Duration BURST_LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path root;

    @Test
    void tenThousandFilesProduceAHandfulOfCatalogWrites() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        IndexerService service = new IndexerService(store, new HashCache(), root,
                new IndexingSettings(Duration.ofMillis(500), Duration.ofHours(1), 0, Duration.ZERO,
                        Duration.ofDays(7), null, Settings.DEFAULT_CATALOG_SPLIT_BYTES),
                new SingleServer("test"));
        service.start();
        try {
            await(service, catalog -> true);
            long before = service.status().catalogWrites();

            byte[] meta = Trees.metadataTarXz(Trees.metadataYaml("x86_64", "burst", "one", "default"));
            for (int i = 0; i < VERSIONS; i++) {
                String version = String.format("2026%02d%02d_%02d:%02d", 1 + i / 1000 % 12, 1 + i / 40 % 25,
                        i / 60 % 24, i % 60);
                Path dir = Files.createDirectories(root.resolve("images/burst/p" + (i % 50) + "/amd64/default")
                        .resolve(version));
                Files.write(dir.resolve("lxd.tar.xz"), meta);
                Files.write(dir.resolve("rootfs.squashfs"), RootFiles.squashfs(ByteBuffer.allocate(4).putInt(i).array()));
            }

            PublishedCatalog done = await(service, catalog -> catalog.versionCount() == VERSIONS);
            long writes = service.status().catalogWrites() - before;
            assertEquals(VERSIONS, done.versionCount());
            assertTrue(writes <= 5, "10,000 files caused " + writes + " catalogue writes");
        } finally {
            service.close();
        }
    }

    private static PublishedCatalog await(IndexerService service, Predicate<PublishedCatalog> condition) {
        return Eventually.await("the burst published", BURST_LIMIT, service::current,
                catalog -> catalog != null && condition.test(catalog));
    }
}
