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

    /**
     * Where the clear-signed form of a document is published: {@code streams/v1/images.json} is signed as
     * {@code streams/v1/images.sjson}, the name simplestreams' own tools and their readers (sstream-mirror, MAAS)
     * use.
     */
    public static String signedPath(String jsonPath) {
        return jsonPath.endsWith(".json") ? jsonPath.substring(0, jsonPath.length() - ".json".length()) + ".sjson"
                : jsonPath + ".sjson";
    }

    /**
     * The text signed for a document: a products document as it is; an index with each path named as its signed
     * form, as simplestreams' signing tools write {@code index.sjson}, so that a reader that starts from the signed
     * index reads only signed documents.
     */
    public static byte[] signedText(String path, byte[] document) {
        if (!path.equals(INDEX_PATH)) {
            return document;
        }
        try {
            Index index = JSON.readValue(document, Index.class);
            Map<String, IndexEntry> entries = new java.util.TreeMap<>();
            index.index().forEach((id, e) -> entries.put(id, new IndexEntry(e.datatype(), e.format(),
                    signedPath(e.path()), e.products(), e.updated())));
            return write(new Index(index.format(), entries, index.updated()));
        } catch (IOException e) {
            throw new IllegalStateException("the index just written is always readable", e);
        }
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
