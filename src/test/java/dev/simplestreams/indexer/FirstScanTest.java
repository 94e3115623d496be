package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static dev.simplestreams.catalog.TestRepository.V3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.TestRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload that reaches a server between its election and its first full scan is indexed in the request's thread
 * by an indexer that has read nothing yet: publishing what it remembers would publish that version alone.
 */
class FirstScanTest {

    private static final String PRODUCT = "ubuntu:noble:amd64:default";

    @TempDir
    Path dir;

    @Test
    void aRefreshBeforeTheFirstFullScanPublishesTheWholeTree() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.splitImage(PRODUCT, V1, "rootfs.squashfs");
        repo.splitImage(PRODUCT, V2, "rootfs.squashfs");
        repo.splitImage(PRODUCT, V3, "rootfs.squashfs");

        PublishedCatalog answered = repo.indexer().refresh(
                List.of(Layout.parseVersionDirectory(repo.relative(repo.dir(PRODUCT, V3)))), true);

        assertEquals(Set.of(V1, V2, V3), answered.products().get(PRODUCT).versions().keySet());
    }
}
