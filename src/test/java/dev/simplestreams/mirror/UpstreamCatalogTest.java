package dev.simplestreams.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Another producer's catalogue: what clients pass over is passed over here, any other wrong type fails it. */
class UpstreamCatalogTest {

    private static final URI BASE = URI.create("https://up.example/");
    private static final URI IMAGES = BASE.resolve("streams/v1/images.json");

    private static List<UpstreamCatalog.Product> products(String json) throws UpstreamException {
        return UpstreamCatalog.products(IMAGES, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void passesOverWhatClientsPassOver() throws Exception {
        UpstreamCatalog.Product product = products("""
                {"products": {"p": {"os": "Alpine", "future_key": {"x": 1}, "supported": "yes",
                 "requirements": {"secureboot": "false", "cpus": 2, "nested": {}},
                 "versions": {"20250101_0742": {"note": 1, "items": {"m": {"ftype": "lxd.tar.xz", "path": "m",
                  "size": 10, "sha256": "s", "extra": [1]}}}}}}}""").get(0);
        assertEquals("Alpine", product.os());
        assertNull(product.facts().supported());
        assertEquals(Map.of("secureboot", "false"), product.facts().requirements());
        assertEquals(10, product.versions().get("20250101_0742").get("m").size());
    }

    @Test
    void skipsIndexEntriesClientsCannotUse() throws Exception {
        byte[] index = """
                {"index": {"a": {"datatype": "image-downloads", "path": 5, "products": ["x"]},
                 "b": {"datatype": "image-downloads", "path": "streams/v1/b.json", "products": ["y"], "new": 1}}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(BASE.resolve("streams/v1/b.json")),
                UpstreamCatalog.imagesUrls(BASE, BASE.resolve("streams/v1/index.json"), index));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"p\": {\"release\": 12}}                          | product 'p': 'release' is not a string",
        "{\"p\": {\"versions\": []}}                         | product 'p': 'versions' is not an object",
        "{\"p\": {\"versions\": {\"v\": {}}}}                | product 'p', version 'v': no 'items' object",
        "{\"p\": {\"versions\": {\"v\": {\"items\": {\"i\": {\"size\": 1.5}}}}}} | item 'i': 'size' is not an integer",
        "{\"ok\": {}, \"bad\": 5}                            | product 'bad' is not an object",
    })
    void failsTheDocumentOnAnyOtherWrongType(String products, String message) {
        UpstreamException e = assertThrows(UpstreamException.class, () -> products("{\"products\": " + products + "}"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
