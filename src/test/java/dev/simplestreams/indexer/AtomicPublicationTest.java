package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.GoJson;
import dev.simplestreams.catalog.TestRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predecessor defect: index.json and images.json were written in place, so a client could read a truncated
 * document. Here a reader fetches both documents, index first as clients do, while the catalogue is
 * rewritten again and again: every read must decode, and images.json must hold every product index.json
 * names (images.json is replaced first).
 */
class AtomicPublicationTest {

    @TempDir
    Path dir;

    @Test
    void readersNeverSeeATruncatedOrMismatchedCatalogue() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(TestRepository.UBUNTU, TestRepository.V1);
        repo.scan();
        Path index = dir.resolve("streams/v1/index.json");
        Path images = dir.resolve("streams/v1/images.json");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                try {
                    List<String> named = GoJson.index(Files.readAllBytes(index)).index().get("images").products();
                    GoJson.Products products = GoJson.images(Files.readAllBytes(images));
                    if (!products.products().keySet().containsAll(named)) {
                        failures.add("index.json names " + named + ", images.json has " + products.products().keySet());
                    }
                    reads.incrementAndGet();
                    Thread.onSpinWait();
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        reader.start();

        try {
            // Products are only ever added here, so a newer images.json always covers an older index.json.
            byte[] metadata = TestRepository.metadataTarball(TestRepository.UBUNTU);
            for (int i = 0; i < 15; i++) {
                String product = "os" + i + ":1:amd64:default";
                repo.write(product, TestRepository.V1, "lxd.tar.xz", metadata);
                repo.write(product, TestRepository.V1, "rootfs.squashfs",
                        TestRepository.rootBytes(product, TestRepository.V1, "rootfs.squashfs"));
                repo.scan();
            }
        } finally {
            writing.set(false);
            reader.join();
        }

        assertEquals(List.of(), failures);
        assertTrue(reads.get() > 0);
        try (var leftovers = Files.list(dir.resolve("streams/v1"))) {
            assertEquals(List.of("images.json", "index.json"),
                    leftovers.map(p -> p.getFileName().toString()).sorted().toList(), "no temporaries left behind");
        }
    }
}
