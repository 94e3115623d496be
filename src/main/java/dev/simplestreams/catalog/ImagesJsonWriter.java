package dev.simplestreams.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes images.json product by product and keeps each product's bytes, so that the next catalogue
 * re-serialises only the products that changed: one upload changes one product, and serialising all of them
 * again (8 MB at 10,000 versions) was most of the CPU an upload's publication took. The bytes are exactly
 * those Jackson writes for {@link Products}. Not thread-safe: one publisher uses it at a time.
 */
public final class ImagesJsonWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Written(Product product, byte[] json) {
    }

    private Map<String, Written> previous = Map.of();
    private int previousLength;

    public byte[] write(SortedMap<String, Product> products, String updated) {
        Map<String, Written> now = new HashMap<>();
        // Sized from the last document: growing an 8 MB array by doubling would copy it several times.
        ByteArrayOutputStream out = new ByteArrayOutputStream(previousLength + (64 << 10));
        // The members of Products in its (alphabetical) order, with products written from the kept bytes.
        out.writeBytes(("{\"content_id\":" + quote(Products.CONTENT_ID) + ",\"datatype\":" + quote(Products.DATATYPE)
                + ",\"format\":" + quote(Products.FORMAT) + ",\"products\":{").getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        for (Map.Entry<String, Product> entry : products.entrySet()) {
            Written written = previous.get(entry.getKey());
            if (written == null || !written.product().equals(entry.getValue())) {
                written = new Written(entry.getValue(), json(entry.getValue()));
            }
            now.put(entry.getKey(), written);
            if (!first) {
                out.write(',');
            }
            first = false;
            out.writeBytes(json(entry.getKey()));
            out.write(':');
            out.writeBytes(written.json());
        }
        out.writeBytes(("},\"updated\":" + quote(updated) + "}").getBytes(StandardCharsets.UTF_8));
        previous = now;
        previousLength = out.size();
        return out.toByteArray();
    }

    private static String quote(String text) {
        return new String(json(text), StandardCharsets.UTF_8);
    }

    private static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalogue model is always serialisable", e);
        }
    }
}
