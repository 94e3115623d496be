package dev.simplestreams.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * One published state of the catalogue: the model, the problems found, and the exact bytes served, the signed
 * forms ({@code streams/v1/*.sjson}) included when the server signs, so a document and its signature are always
 * of the same state.
 */
public final class PublishedCatalog {

    private final Supplier<SortedMap<String, Product>> productsRead;
    private volatile SortedMap<String, Product> products;
    private final Object productsLock = new Object();
    private final List<Problem> problems;
    private final byte[] indexJson;
    private final byte[] imagesJson;
    private final Instant updated;
    private final Gzipped indexGzip;
    private final Gzipped imagesGzip;
    private final Map<String, byte[]> signed;
    private final String signedBy;
    private volatile String tag;

    /** An unsigned state. */
    public PublishedCatalog(SortedMap<String, Product> products, List<Problem> problems, byte[] indexJson,
            byte[] imagesJson, Instant updated) {
        this(products, problems, indexJson, imagesJson, updated, Map.of(), null);
    }

    /**
     * {@code signed}: the clear-signed documents by path ({@code streams/v1/index.sjson}, ...), made with the key
     * whose fingerprint is {@code signedBy}; empty and null when the server does not sign.
     */
    public PublishedCatalog(SortedMap<String, Product> products, List<Problem> problems, byte[] indexJson,
            byte[] imagesJson, Instant updated, Map<String, byte[]> signed, String signedBy) {
        this(() -> products, problems, indexJson, imagesJson, updated, signed, signedBy);
        this.products = products;
    }

    /**
     * A state whose documents are served before its model is needed: {@code products} reads the model from them
     * when something first asks for it (the page, a view, the status document), once.
     */
    public PublishedCatalog(Supplier<SortedMap<String, Product>> products, List<Problem> problems,
            byte[] indexJson, byte[] imagesJson, Instant updated, Map<String, byte[]> signed, String signedBy) {
        this.signed = Map.copyOf(signed);
        this.signedBy = signedBy;
        this.productsRead = products;
        this.problems = problems;
        this.indexJson = indexJson;
        this.imagesJson = imagesJson;
        this.updated = updated;
        this.indexGzip = new Gzipped(indexJson);
        this.imagesGzip = new Gzipped(imagesJson);
    }

    public SortedMap<String, Product> products() {
        SortedMap<String, Product> known = products;
        if (known == null) {
            synchronized (productsLock) {
                known = products;
                if (known == null) {
                    known = productsRead.get();
                    products = known;
                }
            }
        }
        return known;
    }

    public List<Problem> problems() {
        return problems;
    }

    public byte[] indexJson() {
        return indexJson;
    }

    public byte[] imagesJson() {
        return imagesJson;
    }

    public Instant updated() {
        return updated;
    }

    /** The clear-signed document at {@code path} ({@code streams/v1/images.sjson}), or null. */
    public byte[] signedDocument(String path) {
        return signed.get(path);
    }

    public Map<String, byte[]> signedDocuments() {
        return signed;
    }

    /** The fingerprint of the key the signed documents were made with; null when they are not signed. */
    public String signedBy() {
        return signedBy;
    }

    public int versionCount() {
        return products.values().stream().mapToInt(p -> p.versions().size()).sum();
    }

    /**
     * Names the content served from this state, for ETags: when it was published and which products it holds (its
     * index lists them). A part of the catalogue shown to some readers (a view) holds other products when only the
     * access rules change, though it was published at the same time; its tag changes with them. Computed once, when
     * first asked.
     */
    public String tag() {
        String known = tag;
        if (known == null) {
            known = updated.toEpochMilli() + "." + updated.getNano() + "-" + Sha256.hex(indexJson).substring(0, 16);
            tag = known;
        }
        return known;
    }

    public byte[] indexGzip() {
        return indexGzip.get();
    }

    public byte[] imagesGzip() {
        return imagesGzip.get();
    }

    /** Compressed on first request only: most catalogue states are never fetched with gzip. */
    private static final class Gzipped {
        private final byte[] plain;
        private volatile byte[] compressed;

        Gzipped(byte[] plain) {
            this.plain = plain;
        }

        byte[] get() {
            byte[] gz = compressed;
            if (gz == null) {
                gz = gzip(plain);
                compressed = gz;
            }
            return gz;
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 8));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
