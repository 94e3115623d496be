package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON documents clients read: {@code streams/v1/index.json} and the products documents it names (written by
 * {@link ProductsDocuments}).
 */
public final class CatalogJson {

    public static final String IMAGES_PATH = Layout.STREAMS + "/images.json";
    public static final String INDEX_PATH = Layout.STREAMS + "/index.json";


    @JsonPropertyOrder(alphabetic = true)
    public record IndexEntry(String datatype, String format, String path, List<String> products, String updated) {
    }

    @JsonPropertyOrder(alphabetic = true)
    public record Index(String format, Map<String, IndexEntry> index, String updated) {
    }

    private CatalogJson() {
    }

    /** A catalogue's {@code updated}, as the documents give it: RFC 1123 in UTC. */
    public static String updated(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** index.json names every products document and the ids of its products; clients skip an entry without any. */
    public static byte[] index(List<ProductsDocuments.Document> documents, String updated) {
        Map<String, IndexEntry> entries = new TreeMap<>();
        for (ProductsDocuments.Document document : documents) {
            entries.put(document.contentId(), new IndexEntry(Products.DATATYPE, Products.FORMAT, document.path(),
                    document.productIds(), document.updated()));
        }
        return write(new Index("index:1.0", entries, updated));
    }

    public static Index readIndex(byte[] json) throws IOException {
        return JSON.readValue(json, Index.class);
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
            Map<String, IndexEntry> entries = new TreeMap<>();
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
