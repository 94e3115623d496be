package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.ProductsDocuments;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Writes the products documents that changed, then index.json (so index.json never names products a document
 * lacks), each atomically, then deletes the documents no longer named, and makes the new state visible to the
 * servlets only after all are on disk. With a signer, each document's clear-signed form ({@code .sjson}) is made
 * from the same bytes and written just before it; a document that did not change keeps its signature. The problems
 * go to the store's state, for replicas that serve this catalogue without indexing.
 */
final class CatalogPublisher {

    static final String PROBLEMS_STATE = "problems.json";

    /** The files a publication may leave in streams/v1: the index, the products documents, their signed forms. */
    private static final Pattern CATALOGUE_FILE = Pattern.compile("(index|images(-[0-9]+)?)\\.s?json");

    private final ImageStore store;
    private final ClearSigner signer;
    private final ProductsDocuments productsDocuments;
    private volatile PublishedCatalog current;
    private final AtomicLong writes = new AtomicLong();

    /**
     * {@code signer}: signs every document published; null publishes them unsigned. {@code documentBytes}: the
     * size above which the catalogue is split into several products documents.
     */
    CatalogPublisher(ImageStore store, ClearSigner signer, long documentBytes) {
        this.store = store;
        this.signer = signer;
        this.productsDocuments = new ProductsDocuments(documentBytes);
    }

    /** The problems the last publication left out, as written beside it; none when nothing was written yet. */
    static List<Problem> readProblems(ImageStore store) throws IOException {
        Optional<byte[]> written = store.readState(PROBLEMS_STATE);
        return written.isEmpty() ? List.of() : List.of(JSON.readValue(written.get(), Problem[].class));
    }

    PublishedCatalog current() {
        return current;
    }

    /** How many times the catalogue files were written; passes that changed nothing do not count. */
    long writes() {
        return writes.get();
    }

    /** Publishes unless nothing changed since the last publication; returns the state now served. */
    PublishedCatalog publish(SortedMap<String, Product> products, List<Problem> problems) throws IOException {
        PublishedCatalog previous = current;
        if (previous != null && previous.products().equals(products)
                && previous.problems().equals(problems)) {
            return previous;
        }
        PublishedCatalog published;
        if (previous == null || !previous.products().equals(products)) {
            published = write(products, problems, previous);
            writes.incrementAndGet();
        } else {
            // Only the problem list changed: the served documents stay byte-identical.
            published = previous.withProblems(problems);
        }
        if (previous == null || !previous.problems().equals(problems)) {
            store.writeDerivedState(PROBLEMS_STATE, JSON.writeValueAsBytes(problems));
        }
        current = published;
        return published;
    }

    private PublishedCatalog write(SortedMap<String, Product> products, List<Problem> problems,
            PublishedCatalog previous) throws IOException {
        Instant now = Instant.now();
        String updated = CatalogJson.updated(now);
        ProductsDocuments.Written written = productsDocuments.write(products, updated);
        SortedMap<String, byte[]> documents = new TreeMap<>();
        Map<String, byte[]> toWrite = new LinkedHashMap<>();
        Map<String, byte[]> signed = new TreeMap<>();
        for (ProductsDocuments.Document document : written.documents()) {
            documents.put(document.path(), document.json());
            if (previous != null && previous.documents().get(document.path()) == document.json()) {
                if (signer != null) {
                    String signedPath = CatalogJson.signedPath(document.path());
                    signed.put(signedPath, previous.signedDocument(signedPath));
                }
            } else {
                toWrite.put(document.path(), document.json());
            }
        }
        toWrite.put(CatalogJson.INDEX_PATH, CatalogJson.index(written.documents(), updated));
        if (signer != null) {
            toWrite.forEach((path, json) -> signed.put(CatalogJson.signedPath(path),
                    signer.sign(CatalogJson.signedText(path, json))));
        }
        Set<String> stale = new TreeSet<>(previous == null ? catalogueFilesStored() : filesOf(previous));
        stale.removeAll(documents.keySet());
        stale.removeAll(signed.keySet());
        stale.remove(CatalogJson.INDEX_PATH);
        // A signed form of another state must not stand beside the new documents: without a key, every old one
        // goes first. Each signed form goes out before its document, and every products document before the index.
        // A reader that starts from index.sjson finds every signed document it names already written; one that
        // reads a .json and then its .sjson (CatalogFollower) sees a signature of that state or of a newer one,
        // never an older one, and can tell the difference. Documents the index no longer names go last.
        if (signer == null) {
            List<String> signedForms = stale.stream().filter(path -> path.endsWith(".sjson")).toList();
            delete(signedForms);
            signedForms.forEach(stale::remove);
        }
        for (Map.Entry<String, byte[]> document : toWrite.entrySet()) {
            String signedPath = CatalogJson.signedPath(document.getKey());
            if (signed.containsKey(signedPath)) {
                store.publish(signedPath, signed.get(signedPath));
            }
            store.publish(document.getKey(), document.getValue());
        }
        delete(stale);
        return new PublishedCatalog(() -> products, problems, toWrite.get(CatalogJson.INDEX_PATH), documents,
                written.whole(), now, signed, signer == null ? null : signer.fingerprint());
    }

    private static Set<String> filesOf(PublishedCatalog published) {
        Set<String> files = new TreeSet<>(published.documents().keySet());
        files.addAll(published.signedDocuments().keySet());
        return files;
    }

    /** What an earlier run left in streams/v1: documents a split or unsplit catalogue of another size named. */
    private Set<String> catalogueFilesStored() throws IOException {
        Set<String> files = new TreeSet<>();
        for (StoredFile file : store.list(Layout.STREAMS)) {
            if (file.parent().equals(Layout.STREAMS) && CATALOGUE_FILE.matcher(file.name()).matches()) {
                files.add(file.path());
            }
        }
        return files;
    }

    private void delete(Collection<String> paths) throws IOException {
        for (String path : paths) {
            try {
                store.delete(path);
            } catch (UnsafePathException e) {
                throw new IllegalStateException("the catalogue's own paths are safe", e);
            }
        }
    }
}
