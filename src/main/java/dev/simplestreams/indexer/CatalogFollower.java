package dev.simplestreams.indexer;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.signing.ClearSignedMessage;
import dev.simplestreams.signing.SignatureException;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The catalogue as the leader published it, for a replica that does not index: index.json read again only when it
 * changed (a conditional GET), then the products documents it names, and the problems the leader found, so answers
 * and the status document explain what was left out. The leader writes every document before the index that names
 * it, so the documents read after an index are of its state or a newer one; a document that holds other products
 * than the index says, or is gone, is of a newer state, which the next poll reads. When the leader signs, its
 * {@code .sjson} documents are served too, but only once each signs exactly the document it stands beside: the
 * leader writes a signed form before its document, so one read after the document is of that state or a newer one,
 * and a newer one waits for the next poll.
 */
final class CatalogFollower {


    private final ImageStore store;
    private String tag;
    private PublishedCatalog current;

    CatalogFollower(ImageStore store) {
        this.store = store;
    }

    /** Reads the published catalogue if it changed; the state now known, or null while none was published. */
    synchronized PublishedCatalog poll() throws IOException {
        Optional<ImageStore.Tagged> read = store.readIfChanged(CatalogJson.INDEX_PATH, tag);
        List<Problem> problems = CatalogPublisher.readProblems(store);
        if (read.isPresent()) {
            byte[] index = read.get().content();
            CatalogJson.Index named = CatalogJson.readIndex(index);
            SortedMap<String, byte[]> documents = new TreeMap<>();
            SortedMap<String, Product> products = new TreeMap<>();
            for (CatalogJson.IndexEntry entry : named.index().values()) {
                Optional<ImageStore.Tagged> document = store.readIfChanged(entry.path(), null);
                if (document.isEmpty()) {
                    return current;
                }
                SortedMap<String, Product> held = CatalogJson.readImages(document.get().content()).products();
                if (!List.copyOf(held.keySet()).equals(entry.products())) {
                    return current;
                }
                documents.put(entry.path(), document.get().content());
                products.putAll(held);
            }
            Map<String, byte[]> all = new TreeMap<>(documents);
            all.put(CatalogJson.INDEX_PATH, index);
            Map<String, byte[]> signed = signedForms(all);
            if (signed == null) {
                return current;
            }
            current = new PublishedCatalog(() -> products, problems, index, documents, null,
                    updated(named.updated()), signed, signed.isEmpty() ? null : signerOf(signed));
            tag = read.get().tag();
        } else if (current != null && !current.problems().equals(problems)) {
            current = current.withProblems(problems);
        }
        return current;
    }

    /**
     * The signed form of each document, by path; empty when the leader does not sign; null when one is missing or
     * signs another state (the leader is between two writes).
     */
    private Map<String, byte[]> signedForms(Map<String, byte[]> documents) throws IOException {
        Map<String, byte[]> signed = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> document : documents.entrySet()) {
            String path = CatalogJson.signedPath(document.getKey());
            Optional<ImageStore.Tagged> read = store.readIfChanged(path, null);
            if (read.isPresent()) {
                signed.put(path, read.get().content());
            }
            if (read.isPresent() && !Arrays.equals(signedText(read.get().content()),
                    CatalogJson.signedText(document.getKey(), document.getValue()))) {
                return null;
            }
        }
        return signed.isEmpty() || signed.size() == documents.size() ? signed : null;
    }

    private static byte[] signedText(byte[] signed) {
        try {
            return ClearSignedMessage.parse(signed).text();
        } catch (SignatureException e) {
            return null;
        }
    }

    /** The key the leader's signature names (followers hold no keyring to check it against). */
    private static String signerOf(Map<String, byte[]> signed) {
        try {
            return ClearSignedMessage.parse(signed.values().iterator().next()).signer();
        } catch (SignatureException e) {
            return null;
        }
    }

    private static Instant updated(String rfc1123) {
        if (rfc1123 == null) {
            return Instant.now();
        }
        try {
            return ZonedDateTime.parse(rfc1123, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
