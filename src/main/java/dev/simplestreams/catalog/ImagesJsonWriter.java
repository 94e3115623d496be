package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes images.json product by product and keeps each product's bytes, so that the next catalogue
 * re-serialises only the products that changed: one upload changes one product, and serialising all of them
 * again (8 MB at 10,000 versions) was most of the CPU an upload's publication took. The bytes are exactly
 * those Jackson writes for {@link Products}. Not thread-safe: one publisher uses it at a time.
 */
public final class ImagesJsonWriter {


    private record Written(Product product, byte[] json) {
    }

    private Map<String, Written> previous = Map.of();

    public byte[] write(SortedMap<String, Product> products, String updated) {
        Map<String, Written> now = new HashMap<>();
        // The members of Products in its (alphabetical) order, with products written from the kept bytes.
        List<byte[]> pieces = new ArrayList<>(2 * products.size() + 2);
        pieces.add(("{\"content_id\":" + quote(Products.CONTENT_ID) + ",\"datatype\":" + quote(Products.DATATYPE)
                + ",\"format\":" + quote(Products.FORMAT) + ",\"products\":{").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Product> entry : products.entrySet()) {
            Written written = previous.get(entry.getKey());
            if (written == null || !written.product().equals(entry.getValue())) {
                written = new Written(entry.getValue(), json(entry.getValue()));
            }
            now.put(entry.getKey(), written);
            pieces.add(((pieces.size() > 1 ? "," : "") + quote(entry.getKey()) + ":").getBytes(StandardCharsets.UTF_8));
            pieces.add(written.json());
        }
        pieces.add(("},\"updated\":" + quote(updated) + "}").getBytes(StandardCharsets.UTF_8));
        previous = now;
        // One array of the exact size: with a 256 MiB heap an 8 MB array is a humongous object for G1, and
        // growing a buffer and copying it out made two more of them per catalogue, each forcing a collection.
        byte[] document = new byte[pieces.stream().mapToInt(piece -> piece.length).sum()];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, document, at, piece.length);
            at += piece.length;
        }
        return document;
    }

    private static String quote(String text) {
        return new String(json(text), StandardCharsets.UTF_8);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalogue model is always serialisable", e);
        }
    }
}
