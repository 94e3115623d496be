package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * A builder that rebuilds only changed products gives exactly what a build of everything gives, through
 * random sequences of changes that include the cross-product rules: a fingerprint published by two
 * products, an alias claimed by two, deltas, incomplete and rejected versions.
 */
class IncrementalBuildTest {

    private static final String[] OS = {"alpine", "debian"};
    private static final String[] RELEASES = {"edge", "12"};
    private static final String[] ARCHES = {"amd64", "arm64"};

    @RepeatedTest(40)
    void rebuildEqualsAFullBuildAfterEveryChange(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        CatalogBuilder builder = new CatalogBuilder();
        afterEachChange(random, (tree, changed) -> {
            List<VersionSource> sources = new ArrayList<>(tree.values());
            java.util.Collections.shuffle(sources, random);
            return builder.rebuild(sources);
        });
    }

    /** As the indexer calls it: grouped by product, a product's list kept as the same object while it is unchanged. */
    @RepeatedTest(40)
    void rebuildOfKeptListsEqualsAFullBuildAfterEveryChange(RepetitionInfo repetition) {
        CatalogBuilder builder = new CatalogBuilder();
        Map<ProductKey, List<VersionSource>> lists = new HashMap<>();
        afterEachChange(new Random(repetition.getCurrentRepetition()), (tree, changed) -> {
            List<VersionSource> ofProduct = tree.values().stream()
                    .filter(source -> source.key().product().equals(changed)).toList();
            if (ofProduct.isEmpty()) {
                lists.remove(changed);
            } else {
                lists.put(changed, ofProduct);
            }
            return builder.rebuild(Map.copyOf(lists));
        });
    }

    /** Sixty random changes to a tree; after each, {@code rebuild} (given the tree and the changed product) must
     * give what a full build of the tree gives. */
    private static void afterEachChange(Random random,
            BiFunction<Map<VersionKey, VersionSource>, ProductKey, CatalogBuilder.Result> rebuild) {
        Map<VersionKey, VersionSource> tree = new TreeMap<>();
        for (int step = 0; step < 60; step++) {
            VersionKey key = new VersionKey(new ProductKey(pick(random, OS), pick(random, RELEASES),
                    pick(random, ARCHES), random.nextInt(4) == 0 ? "cloud" : "default"),
                    "2026010" + random.nextInt(6) + "_00:00");
            if (random.nextInt(5) == 0) {
                tree.remove(key);
            } else {
                tree.put(key, source(key, random));
            }
            assertEquals(CatalogBuilder.build(tree.values()), rebuild.apply(tree, key.product()), "after step " + step);
        }
    }

    @Test
    void anUnchangedProductIsTheSameObject() {
        VersionKey a = new VersionKey(new ProductKey("debian", "12", "amd64", "default"), "20260101_00:00");
        VersionKey b = new VersionKey(new ProductKey("alpine", "edge", "amd64", "default"), "20260101_00:00");
        VersionSource sourceA = complete(a, "a");
        CatalogBuilder builder = new CatalogBuilder();
        CatalogBuilder.Result first = builder.rebuild(List.of(sourceA, complete(b, "b1")));
        CatalogBuilder.Result second = builder.rebuild(List.of(complete(b, "b2"), sourceA));
        assertSame(first.products().get(a.product().id()), second.products().get(a.product().id()));
        assertEquals(CatalogBuilder.build(List.of(sourceA, complete(b, "b2"))), second);
    }

    /** Mostly complete versions; fingerprints from a small pool so that products collide now and then. */
    private static VersionSource source(VersionKey key, Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> VersionSource.rejected(key, "cannot be read");
            case 1 -> new VersionSource(key, List.of(meta()), null, null, null);
            case 2 -> new VersionSource(key, List.of(meta(), root("pool" + random.nextInt(4)),
                    new FileFacts("20260101_00:00.squashfs.vcdiff", FileKind.SQUASHFS_DELTA, "20260101_00:00", 5,
                            sha("delta" + random.nextInt()), null)), null, null, null);
            case 3 -> new VersionSource(key, List.of(meta(), root("pool" + random.nextInt(4))), null,
                    new Overrides(null, null, null, List.of("shared", key.product().os()), null, null, null, null,
                            null, List.of()), null);
            default -> complete(key, "unique" + random.nextLong() % 1000 + (random.nextInt(8) == 0 ? "" : key));
        };
    }

    private static VersionSource complete(VersionKey key, String content) {
        return new VersionSource(key, List.of(meta(), root(content)), null, null, null);
    }

    private static FileFacts meta() {
        return new FileFacts("lxd.tar.xz", FileKind.METADATA, null, 10, sha("meta"), null);
    }

    private static FileFacts root(String content) {
        return new FileFacts("rootfs.squashfs", FileKind.SQUASHFS, null, 20, sha(content), sha("meta" + content));
    }

    private static String sha(String text) {
        return Sha256.hex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
