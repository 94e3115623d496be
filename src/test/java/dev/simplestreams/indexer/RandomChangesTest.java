package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4: whatever happens to the tree, the catalogue the watcher ends with is the one a clean rebuild from
 * scratch gives. A seeded random sequence of adds, moves, renames, copies and deletes is applied to a watched
 * tree (periodic rescan off, so only file events count); then the service's catalogue must equal a fresh
 * indexer's over a copy of the same files. A failing seed replays exactly.
 */
class RandomChangesTest {

    private static final List<String> PRODUCTS = List.of("ubuntu:jammy:amd64:default", "ubuntu:jammy:amd64:cloud",
            "debian:bookworm:arm64:default");
    private static final List<String> VERSIONS = List.of("20240101_00:00", "20240102_00:00", "20240103_00:00",
            "20240104_00:00", "20240105_00:00");
    private static final int STEPS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void theWatchersCatalogueEqualsACleanRebuild(long seed) throws Exception {
        TestRepository live = new TestRepository(dir.resolve("live"));
        Random random = new Random(seed);
        List<String> log = new ArrayList<>();
        try (IndexerService service = TestRepository.newService(live.store(), live.root(), Duration.ofMillis(50),
                Duration.ofHours(1))) {
            service.start();
            Eventually.await("the first catalogue", service::current, c -> c != null);

            for (int step = 0; step < STEPS; step++) {
                log.add(change(live, random, step));
                Thread.sleep(random.nextInt(40));
            }

            TestRepository.copyTree(live.root().resolve("images"), dir.resolve("clean/images"));
            PublishedCatalog clean = new TestRepository(dir.resolve("clean")).scan().catalog();
            PublishedCatalog watched = Eventually.await("the watcher to settle on the clean rebuild's catalogue",
                    service::current, c -> c.products().equals(clean.products()) && c.problems().equals(clean.problems()));

            assertEquals(TestRepository.withoutTimestamps(clean.imagesJson()),
                    TestRepository.withoutTimestamps(watched.imagesJson()), () -> String.join("\n", log));
        }
    }

    /** One random change to the tree, described for the failure message. */
    private String change(TestRepository repo, Random random, int step) throws IOException {
        String product = pick(random, PRODUCTS);
        String version = pick(random, VERSIONS);
        Path target = repo.dir(product, version);
        List<Path> existing = existingVersions(repo);
        switch (random.nextInt(8)) {
            case 0 -> {
                repo.splitImage(product, version, pick(random, List.of("rootfs.squashfs", "disk.qcow2", "root.tar.xz")));
                return "write " + target;
            }
            case 1 -> {
                // Built beside the tree and renamed in whole, as rsync --delay-updates or kubectl cp to a temp dir do.
                if (Files.exists(target)) {
                    return "skip";
                }
                Path staging = repo.root().resolve("staging/" + step);
                TestRepository stage = new TestRepository(staging);
                stage.splitImage(product, version, "rootfs.squashfs", "disk.qcow2");
                Files.createDirectories(target.getParent());
                Files.move(stage.dir(product, version), target, StandardCopyOption.ATOMIC_MOVE);
                return "move in " + target;
            }
            case 2 -> {
                if (existing.isEmpty() || Files.exists(target)) {
                    return "skip";
                }
                Path from = pick(random, existing);
                Files.createDirectories(target.getParent());
                Files.move(from, target, StandardCopyOption.ATOMIC_MOVE);
                return "rename " + from + " -> " + target;
            }
            case 3 -> {
                if (existing.isEmpty()) {
                    return "skip";
                }
                Path gone = pick(random, existing);
                Trees.deleteTree(gone);
                return "delete " + gone;
            }
            case 4 -> {
                if (existing.isEmpty()) {
                    return "skip";
                }
                Path from = pick(random, existing);
                List<Path> files = list(from);
                if (files.isEmpty()) {
                    return "skip";
                }
                Path gone = pick(random, files);
                Files.deleteIfExists(gone);
                return "delete " + gone;
            }
            case 5 -> {
                if (existing.isEmpty() || Files.exists(target)) {
                    return "skip";
                }
                Path from = pick(random, existing);
                TestRepository.copyTree(from, target);
                return "copy " + from + " -> " + target;
            }
            case 6 -> {
                repo.write(product, version, "metadata.json", "{\"aliases\": \"step" + step + "\"}");
                return "metadata.json in " + target;
            }
            default -> {
                // A product directory renamed to another variant: many versions change at once.
                Path productDir = target.getParent();
                Path renamed = productDir.resolveSibling(productDir.getFileName() + "-" + step);
                if (!Files.isDirectory(productDir)) {
                    return "skip";
                }
                Files.move(productDir, renamed, StandardCopyOption.ATOMIC_MOVE);
                return "rename " + productDir + " -> " + renamed;
            }
        }
    }

    private static List<Path> existingVersions(TestRepository repo) throws IOException {
        Path images = repo.root().resolve("images");
        if (!Files.isDirectory(images)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(images)) {
            return walk.filter(p -> images.relativize(p).getNameCount() == 5 && Files.isDirectory(p)).sorted().toList();
        }
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
