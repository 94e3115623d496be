package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProductsDocumentsTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** Products added, changed, left alone and removed, over many catalogues in a row, as uploads do. */
    @Test
    void anUnsplitCatalogueIsByteForByteWhatJacksonWritesForTheWholeDocument() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        ProductsDocuments writer = new ProductsDocuments(Long.MAX_VALUE);
        TreeMap<String, Product> products = new TreeMap<>();
        ProductsDocuments.Document before = null;
        for (int round = 0; round < 200; round++) {
            TreeMap<String, Product> last = new TreeMap<>(products);
            change(products, random, round);
            String updated = "Thu, 26 Nov 2026 02:" + round % 60 + ":00 GMT";
            ProductsDocuments.Written written = writer.write(new TreeMap<>(products), updated);
            assertEquals(1, written.documents().size());
            ProductsDocuments.Document only = written.documents().get(0);
            if (round > 0 && products.equals(last)) {
                assertSame(before, only, "round " + round + " changed nothing: the document written before");
            } else {
                assertEquals(updated, only.updated());
            }
            before = only;
            String expected = JACKSON.writeValueAsString(Products.of(new TreeMap<>(products), only.updated()));
            assertEquals(CatalogJson.IMAGES_PATH, only.path());
            assertEquals(Products.CONTENT_ID, only.contentId());
            assertEquals(expected, text(only.json()), "round " + round);
            assertSame(only.json(), written.whole().get());
        }
    }

    /**
     * Split into small documents: together they hold every product once, each is exactly what Jackson writes for its
     * part, the whole document is what Jackson writes for all, and a document none of whose products changed is the
     * one written before, bytes and time included.
     */
    @Test
    void aSplitCatalogueKeepsEveryDocumentItsChangeDidNotTouch() throws Exception {
        SplittableRandom random = new SplittableRandom(12);
        ProductsDocuments writer = new ProductsDocuments(3_000);
        TreeMap<String, Product> products = new TreeMap<>();
        Map<String, ProductsDocuments.Document> before = Map.of();
        int split = 0;
        for (int round = 0; round < 300; round++) {
            TreeMap<String, Product> last = new TreeMap<>(products);
            change(products, random, round);
            String updated = "Thu, 26 Nov 2026 03:" + round % 60 + ":00 GMT";
            ProductsDocuments.Written written = writer.write(new TreeMap<>(products), updated);
            List<String> held = new ArrayList<>();
            for (ProductsDocuments.Document document : written.documents()) {
                TreeMap<String, Product> part = new TreeMap<>();
                document.productIds().forEach(id -> part.put(id, products.get(id)));
                assertEquals(JACKSON.writeValueAsString(new Products(document.contentId(), Products.DATATYPE,
                        Products.FORMAT, part, document.updated())), text(document.json()));
                assertEquals("streams/v1/" + document.contentId() + ".json", document.path());
                held.addAll(document.productIds());
                ProductsDocuments.Document earlier = before.get(document.path());
                boolean untouched = earlier != null && earlier.productIds().equals(document.productIds())
                        && document.productIds().stream().allMatch(id -> products.get(id).equals(last.get(id)));
                if (untouched) {
                    assertSame(earlier, document, "round " + round + ": " + document.path());
                } else {
                    assertEquals(updated, document.updated());
                }
            }
            assertEquals(List.copyOf(products.keySet()), held.stream().sorted().toList(), "round " + round);
            assertEquals(JACKSON.writeValueAsString(Products.of(new TreeMap<>(products), updated)),
                    text(written.whole().get()), "round " + round);
            split = Math.max(split, written.documents().size());
            before = written.documents().stream()
                    .collect(Collectors.toMap(ProductsDocuments.Document::path, Function.identity()));
        }
        assertTrue(split > 2, "the catalogue was split into " + split + " documents at most");
    }

    /** Split in 2, 4, 8... as the catalogue grows past multiples of the size, and never in more than 64. */
    @Test
    void theNumberOfDocumentsDoublesWithTheCatalogueUpToSixtyFour() {
        long size = 2_000;
        ProductsDocuments writer = new ProductsDocuments(size);
        TreeMap<String, Product> products = new TreeMap<>();
        int highest = 0;
        for (int p = 0; p < 400; p++) {
            String id = "os:r" + p + ":amd64:default";
            products.put(id, product(id, 1));
            ProductsDocuments.Written written = writer.write(new TreeMap<>(products), "now");
            long total = written.documents().stream().mapToLong(d -> d.json().length).sum();
            for (ProductsDocuments.Document document : written.documents()) {
                String number = document.contentId().replaceFirst("^images-?", "");
                highest = Math.max(highest, number.isEmpty() ? 0 : Integer.parseInt(number));
            }
            assertTrue(written.documents().size() <= ProductsDocuments.MAX_DOCUMENTS);
            if (total < size) {
                assertEquals(List.of(CatalogJson.IMAGES_PATH),
                        written.documents().stream().map(ProductsDocuments.Document::path).toList());
            }
        }
        assertTrue(highest >= ProductsDocuments.MAX_DOCUMENTS / 2 && highest < ProductsDocuments.MAX_DOCUMENTS,
                "the highest document is number " + highest);
        ProductsDocuments.Written last = writer.write(new TreeMap<>(products), "later");
        assertNotSame(last.whole().get(), last.documents().get(0).json());
    }

    private static void change(TreeMap<String, Product> products, SplittableRandom random, int round) {
        String id = "os" + random.nextInt(0, 8) + ":r\u00e9l\"" + random.nextInt(0, 6) + ":amd64:default";
        switch (random.nextInt(0, 4)) {
            case 0 -> products.remove(id);
            case 1 -> products.put(id, products.getOrDefault(id, product(id, 0)).withAliases("a" + round));
            default -> products.put(id, product(id, random.nextInt(1, 5)));
        }
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
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
