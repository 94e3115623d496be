package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImagesJsonWriterTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** Products added, changed, left alone and removed, over many catalogues in a row, as uploads do. */
    @Test
    void everyCatalogueIsByteForByteWhatJacksonWritesForTheWholeDocument() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        ImagesJsonWriter writer = new ImagesJsonWriter();
        TreeMap<String, Product> products = new TreeMap<>();
        for (int round = 0; round < 200; round++) {
            String id = "os" + random.nextInt(0, 8) + ":r\u00e9l\"" + random.nextInt(0, 3) + ":amd64:default";
            switch (random.nextInt(0, 4)) {
                case 0 -> products.remove(id);
                case 1 -> products.put(id, products.getOrDefault(id, product(id, 0)).withAliases("a" + round));
                default -> products.put(id, product(id, random.nextInt(1, 5)));
            }
            String updated = "Thu, 26 Nov 2026 02:" + round % 60 + ":00 GMT";
            String expected = JACKSON.writeValueAsString(Products.of(new TreeMap<>(products), updated));
            assertEquals(expected, new String(writer.write(new TreeMap<>(products), updated), StandardCharsets.UTF_8),
                    "round " + round);
        }
    }

    private static Product product(String id, int versions) {
        TreeMap<String, Version> byName = new TreeMap<>();
        for (int v = 0; v < versions; v++) {
            TreeMap<String, Item> items = new TreeMap<>();
            items.put("lxd.tar.xz", Item.file("lxd.tar.xz", "images/" + id + "/" + v + "/lxd.tar.xz", 100 + v,
                    "ab".repeat(32)).withCombined("squashfs", "cd".repeat(32)));
            items.put("root.squashfs", Item.file("squashfs", "images/" + id + "/" + v + "/rootfs.squashfs", 1L << 40,
                    "ef".repeat(32)));
            byName.put("2026010" + v + "_00:00", new Version(items, List.of("cd".repeat(32)), null));
        }
        return new Product(null, "amd64", "os", "r\u00e9l", "Release \u2603", null, "default", null, null, null, null,
                byName);
    }
}
