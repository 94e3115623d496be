package dev.simplestreams.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * One published state of the catalogue: the model, the problems found, and the exact bytes served: index.json, the
 * products documents it names, the whole catalogue as one images.json (the only products document unless the
 * catalogue is split, see {@link ProductsDocuments}), and the signed forms ({@code streams/v1/*.sjson}) when the
 * server signs, so a document and its signature are always of the same state.
 */
public final class PublishedCatalog {

    private final Supplier<SortedMap<String, Product>> productsRead;
    private volatile SortedMap<String, Product> products;
    private final Object productsLock = new Object();
    private final List<Problem> problems;
    private final byte[] indexJson;
    private final SortedMap<String, byte[]> documents;
    private final Supplier<byte[]> imagesJsonMade;
    private volatile byte[] imagesJson;
    private final Instant updated;
    private final Map<String, byte[]> gzipped = new ConcurrentHashMap<>();
    private final Map<String, byte[]> signed;
    private final String signedBy;
    private final Map<String, String> tags = new ConcurrentHashMap<>();

    /** An unsigned state whose only products document is images.json. */
    public PublishedCatalog(SortedMap<String, Product> products, List<Problem> problems, byte[] indexJson,
            byte[] imagesJson, Instant updated) {
        this(() -> products, problems, indexJson, new TreeMap<>(Map.of(CatalogJson.IMAGES_PATH, imagesJson)), null,
                updated, Map.of(), null);
        this.products = products;
    }

    /**
     * A state whose documents are served before its model is needed: {@code products} reads the model from them
     * when something first asks for it (the page, a view, the status document), once. {@code documents}: the
     * products documents index.json names, by path; {@code imagesJson}: makes the whole catalogue as one document
     * when it is first asked for, when the documents are several (null: it is made from the model). {@code signed}:
     * the clear-signed documents by path ({@code streams/v1/index.sjson}, ...), made with the key whose fingerprint is
     * {@code signedBy}; empty and null when the server does not sign.
     */
    public PublishedCatalog(Supplier<SortedMap<String, Product>> products, List<Problem> problems,
            byte[] indexJson, SortedMap<String, byte[]> documents, Supplier<byte[]> imagesJson, Instant updated,
            Map<String, byte[]> signed, String signedBy) {
        this.signed = Map.copyOf(signed);
        this.signedBy = signedBy;
        this.productsRead = products;
        this.problems = problems;
        this.indexJson = indexJson;
        this.documents = Collections.unmodifiableSortedMap(new TreeMap<>(documents));
        this.imagesJsonMade = imagesJson;
        this.updated = updated;
    }

    /** This state with other problems: the same documents, model and signatures. */
    public PublishedCatalog withProblems(List<Problem> problems) {
        PublishedCatalog changed = new PublishedCatalog(this::products, problems, indexJson, documents,
                this::imagesJson, updated, signed, signedBy);
        changed.products = products;
        return changed;
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

    /** The whole catalogue as one products document: what {@code streams/v1/images.json} serves. */
    public byte[] imagesJson() {
        byte[] known = imagesJson;
        if (known == null) {
            known = documents.get(CatalogJson.IMAGES_PATH);
            if (known == null) {
                known = imagesJsonMade != null ? imagesJsonMade.get()
                        : ProductsDocuments.whole(products(), CatalogJson.updated(updated));
            }
            imagesJson = known;
        }
        return known;
    }

    /** The products documents index.json names, by path. */
    public SortedMap<String, byte[]> documents() {
        return documents;
    }

    /**
     * The document served at {@code path} ({@code streams/v1/index.json}, {@code images.json} or a products
     * document index.json names), or null.
     */
    public byte[] document(String path) {
        if (path.equals(CatalogJson.INDEX_PATH)) {
            return indexJson;
        }
        return path.equals(CatalogJson.IMAGES_PATH) ? imagesJson() : documents.get(path);
    }

    /** {@link #document} gzip-compressed, on first request only: most states are never fetched with gzip. */
    public byte[] gzipped(String path) {
        byte[] plain = document(path);
        return plain == null ? null : gzipped.computeIfAbsent(path, p -> gzip(plain));
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
        return products().values().stream().mapToInt(p -> p.versions().size()).sum();
    }

    /**
     * Names the bytes of {@link #document} at {@code path}, for ETags: a products document no upload touched keeps
     * its tag from one state to the next, so a mirror that revalidates fetches only those that changed. Computed
     * once per state, when first asked.
     */
    public String tag(String path) {
        byte[] plain = document(path);
        return plain == null ? null : tags.computeIfAbsent(path, p -> Sha256.hex(plain).substring(0, 32));
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
