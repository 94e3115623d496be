package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The two JSON documents clients read: {@code streams/v1/index.json} and {@code streams/v1/images.json} (written
 * by {@link ImagesJsonWriter}).
 */
public final class CatalogJson {

    public static final String IMAGES_PATH = Layout.STREAMS + "/images.json";
    public static final String INDEX_PATH = Layout.STREAMS + "/index.json";


    @JsonPropertyOrder(alphabetic = true)
    record IndexEntry(String datatype, String format, String path, List<String> products, String updated) {
    }

    @JsonPropertyOrder(alphabetic = true)
    record Index(String format, Map<String, IndexEntry> index, String updated) {
    }

    private CatalogJson() {
    }

    /** index.json names every product id; clients skip entries whose product list is empty. */
    public static byte[] index(SortedMap<String, Product> products, String updated) {
        IndexEntry entry = new IndexEntry(Products.DATATYPE, Products.FORMAT, IMAGES_PATH,
                List.copyOf(products.keySet()), updated);
        return write(new Index("index:1.0", Map.of(Products.CONTENT_ID, entry), updated));
    }

    public static Products readImages(byte[] json) throws IOException {
        return JSON.readValue(json, Products.class);
    }

    private static byte[] write(Object document) {
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalogue model is always serialisable", e);
        }
    }
}
