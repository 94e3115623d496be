package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.ImagesJsonWriter;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes images.json, then index.json (so index.json never names products images.json lacks), each
 * atomically, and makes the new state visible to the servlets only after both are on disk. With a signer, each
 * document's clear-signed form ({@code .sjson}) is made from the same bytes and written just before it. The
 * problems go to the store's state, for replicas that serve this catalogue without indexing.
 */
final class CatalogPublisher {

    static final String PROBLEMS_STATE = "problems.json";

    /** A document the publisher writes, in the order it writes them: products documents first, the index last. */
    private record Document(String path, byte[] content) {
    }

    private final ImageStore store;
    private final ClearSigner signer;
    private final ImagesJsonWriter imagesJson = new ImagesJsonWriter();
    private volatile PublishedCatalog current;
    private final AtomicLong writes = new AtomicLong();

    /** {@code signer}: signs every document published; null publishes them unsigned. */
    CatalogPublisher(ImageStore store, ClearSigner signer) {
        this.store = store;
        this.signer = signer;
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
        Instant now = Instant.now();
        String updated = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC));
        byte[] images = imagesJson.write(products, updated);
        byte[] index = CatalogJson.index(products, updated);
        Map<String, byte[]> signed;
        if (previous == null || !Objects.equals(previous.products(), products)) {
            List<Document> documents = List.of(new Document(CatalogJson.IMAGES_PATH, images),
                    new Document(CatalogJson.INDEX_PATH, index));
            signed = sign(documents);
            if (signer == null && previous == null) {
                // Signed while a key was set before: an old signature must not stand beside the new documents.
                for (Document document : documents) {
                    try {
                        store.delete(CatalogJson.signedPath(document.path()));
                    } catch (UnsafePathException e) {
                        throw new IllegalStateException("the catalogue's own paths are safe", e);
                    }
                }
            }
            // Each signed form goes out before its document, and every products document before the index. A
            // reader that starts from index.sjson finds every signed document it names already written; one that
            // reads a .json and then its .sjson (CatalogFollower) sees a signature of that state or of a newer one,
            // never an older one, and can tell the difference. The servlets serve both from this one state.
            for (Document document : documents) {
                String signedPath = CatalogJson.signedPath(document.path());
                if (signed.containsKey(signedPath)) {
                    store.publish(signedPath, signed.get(signedPath));
                }
                store.publish(document.path(), document.content());
            }
            writes.incrementAndGet();
        } else {
            // Only the problem list changed: the served documents stay byte-identical.
            images = previous.imagesJson();
            index = previous.indexJson();
            now = previous.updated();
            signed = previous.signedDocuments();
        }
        if (previous == null || !previous.problems().equals(problems)) {
            store.writeDerivedState(PROBLEMS_STATE, JSON.writeValueAsBytes(problems));
        }
        PublishedCatalog published = new PublishedCatalog(products, problems, index, images, now, signed,
                signer == null ? null : signer.fingerprint());
        current = published;
        return published;
    }

    /** The clear-signed form of each document, by the path it is published at; empty without a signer. */
    private Map<String, byte[]> sign(List<Document> documents) {
        Map<String, byte[]> signed = new LinkedHashMap<>();
        if (signer != null) {
            for (Document document : documents) {
                signed.put(CatalogJson.signedPath(document.path()),
                        signer.sign(CatalogJson.signedText(document.path(), document.content())));
            }
        }
        return signed;
    }
}
