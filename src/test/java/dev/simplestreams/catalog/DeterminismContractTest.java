package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same tree, same bytes (apart from the {@code updated} timestamps): whatever order files were written in,
 * which directory the root is, and whether the catalogue comes from a fresh start or a long-running indexer.
 */
class DeterminismContractTest {

    @TempDir
    Path dir;

    @FunctionalInterface
    interface Step {
        void apply(TestRepository repo) throws IOException;
    }

    /** A tree with every kind of image, an override, an alias conflict and a few problems. */
    private static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        steps.add(r -> r.splitImage("ubuntu:jammy:amd64:default", V1, "rootfs.squashfs", "disk.qcow2"));
        steps.add(r -> r.splitImage("ubuntu:jammy:amd64:default", V2, "rootfs.squashfs", "root.tar.xz"));
        steps.add(r -> r.write("ubuntu:jammy:amd64:default", V2, "rootfs." + V1 + ".vcdiff", "delta"));
        steps.add(r -> r.write("ubuntu:jammy:amd64:default", V2, "metadata.json", "{\"aliases\": [\"lts\", \"jammy\"]}"));
        steps.add(r -> r.containerImage("ubuntu:jammy:amd64:cloud", V1));
        steps.add(r -> r.write("ubuntu:jammy:amd64:cloud", V1, "metadata.json", "{\"aliases\": \"lts\"}"));
        steps.add(r -> r.unifiedImage("alpine:3.20:arm64:default", V1, "lxd_combined.tar.gz"));
        steps.add(r -> r.containerImage("debian:bookworm:x86_64:default", V1));
        steps.add(r -> r.containerImage("debian:bookworm:amd64:default", V1));
        steps.add(r -> r.containerImage("debian:bookworm:amd65:default", V1));
        steps.add(r -> r.write("fedora:40:amd64:default", V1, "lxd.tar.xz", TestRepository.metadataTarball("fedora:40:amd64:default")));
        return steps;
    }

    @Test
    void theSameTreeBuiltInAnyOrderGivesTheSameBytes() throws Exception {
        List<Step> forward = steps();
        List<Step> shuffled = new ArrayList<>(forward);
        Collections.shuffle(shuffled, new Random(42));
        TestRepository a = build(dir.resolve("a"), forward);
        TestRepository b = build(dir.resolve("b/deeper/root"), shuffled);

        TestRepository.Scan scanA = a.scan();
        TestRepository.Scan scanB = b.scan();

        assertEquals(scanA.imagesWithoutTimestamp(), scanB.imagesWithoutTimestamp());
        assertEquals(scanA.indexWithoutTimestamp(), scanB.indexWithoutTimestamp());
        assertEquals(scanA.problems(), scanB.problems());
        assertNotEquals(List.of(), scanA.problems(), "the tree is meant to have problems too");
    }

    @Test
    void anIndexerThatSawTheTreeGrowAgreesWithOneThatSeesItWhole() throws Exception {
        TestRepository growing = new TestRepository(dir);
        for (Step step : steps()) {
            step.apply(growing);
            growing.scan();
        }
        TestRepository.Scan incremental = growing.scan();

        growing.restart();
        TestRepository.Scan afterRestart = growing.scan();
        TestRepository.Scan fresh = new TestRepository(dir).scan();

        assertEquals(fresh.imagesWithoutTimestamp(), incremental.imagesWithoutTimestamp());
        assertEquals(fresh.imagesWithoutTimestamp(), afterRestart.imagesWithoutTimestamp());
        assertEquals(fresh.problems(), incremental.problems());
    }

    @Test
    void aPassOverAnUnchangedTreeRewritesNothing() throws Exception {
        TestRepository repo = build(dir, steps());
        TestRepository.Scan first = repo.scan();

        TestRepository.Scan second = repo.scan();

        // Byte-identical, timestamp included: clients and caches see no change where there is none.
        assertArrayEquals(first.imagesBytes(), second.imagesBytes());
        assertArrayEquals(first.indexBytes(), second.indexBytes());
    }

    @Test
    void onlyTheTimestampsDifferBetweenTwoStatesOfTheSameTree() throws Exception {
        TestRepository repo = build(dir, steps());
        TestRepository.Scan before = repo.scan();
        repo.containerImage("zeta:1:amd64:default", V1);
        repo.scan();
        Trees.deleteTree(repo.root().resolve("images/zeta"));

        TestRepository.Scan after = repo.scan();

        assertEquals(before.imagesWithoutTimestamp(), after.imagesWithoutTimestamp());
        assertEquals(before.indexWithoutTimestamp(), after.indexWithoutTimestamp());
    }

    private static TestRepository build(Path root, List<Step> steps) throws IOException {
        TestRepository repo = new TestRepository(root);
        for (Step step : steps) {
            step.apply(repo);
        }
        return repo;
    }
}
