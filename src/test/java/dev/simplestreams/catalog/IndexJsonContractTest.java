package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * streams/v1/index.json: the one file clients fetch by a fixed path. They keep each entry with datatype
 * image-downloads and a non-empty product list, then fetch its relative path; sstream-mirror also needs the
 * format strings and an entry key equal to the products document's content_id.
 */
class IndexJsonContractTest {

    @TempDir
    Path dir;

    @Test
    void indexPointsClientsAtTheProductsDocument() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);

        TestRepository.Scan scan = repo.scan();

        GoJson.Stream index = scan.index();
        assertEquals("index:1.0", index.format());
        assertEquals(1, index.index().size(), "one products document: " + index.index().keySet());
        Map.Entry<String, GoJson.StreamIndex> entry = index.index().entrySet().iterator().next();
        assertEquals(scan.images().contentId(), entry.getKey(), "the index key is the products document's content_id");
        assertEquals("image-downloads", entry.getValue().datatype());
        assertEquals("products:1.0", entry.getValue().format());
        assertEquals("streams/v1/images.json", entry.getValue().path(), "relative to the remote URL, no leading slash");
        assertTrue(Files.isRegularFile(dir.resolve(entry.getValue().path())));
    }

    @Test
    void indexListsExactlyTheProductsOfImagesJson() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.containerImage("debian:bookworm:arm64:cloud", V1);
        repo.containerImage("alpine:3.20:x86_64:default", V1);
        // Incomplete: must appear in neither document.
        repo.write("fedora:40:amd64:default", V1, "lxd.tar.xz", TestRepository.metadataTarball("fedora:40:amd64:default"));

        TestRepository.Scan scan = repo.scan();

        List<String> listed = scan.index().index().get("images").products();
        assertEquals(List.copyOf(scan.images().products().keySet()), listed);
        assertEquals(List.of("alpine:3.20:x86_64:default", "debian:bookworm:arm64:cloud", UBUNTU), listed);
    }

    @Test
    void anEmptyRepositoryStillPublishesDocumentsClientsCanDecode() throws Exception {
        TestRepository repo = new TestRepository(dir);

        TestRepository.Scan scan = repo.scan();

        // Clients skip an entry with no products instead of failing on a missing images.json.
        assertTrue(scan.index().index().get("images").products().isEmpty());
        assertTrue(scan.images().products().isEmpty());
        assertFalse(scan.indexBytes().length == 0);
    }

    @Test
    void indexFollowsTheTreeFromPassToPass() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.scan();
        repo.containerImage("debian:bookworm:arm64:cloud", V1);

        TestRepository.Scan scan = repo.scan();

        assertEquals(List.of("debian:bookworm:arm64:cloud", UBUNTU), scan.index().index().get("images").products());
    }
}
