package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The catalogue this server published before it stopped, served again at once by the next start while its first
 * pass checks the tree. A clean stop records a checksum of every document it served; the next start serves those
 * documents only if the store still holds exactly those bytes (no crash after, no other tool's rewrite, no pass of
 * another replica since) and the server signs with the same key as then. The documents are served as read; their
 * model, which the page, views and status need, is parsed when first asked for, so that reading 8 MB is all a
 * start at 10,000 versions spends before it serves. Changes made to the tree while the server was down appear when
 * the first pass publishes.
 */
final class LastPublication {

    private static final Logger LOG = Logger.getLogger(LastPublication.class.getName());
    static final String STATE = "last-publication.json";

    /**
     * What a clean stop records: each document's checksum by path, the signing key, and when it was published.
     * CRC-32C and the length tell a document rewritten since from the one served, and the JVM computes them fast
     * from its first instructions on; SHA-256 took over 100 ms for 8 MB in a starting JVM, on the way to ready.
     */
    record Recorded(Map<String, String> checksums, String signedBy, String updated) {
    }

    private final ImageStore store;
    private final String signedBy;

    /** {@code signedBy}: the fingerprint of the key the server signs with now; null when it does not sign. */
    LastPublication(ImageStore store, String signedBy) {
        this.store = store;
        this.signedBy = signedBy;
    }

    /** Records {@code served}, the state published last, at a clean stop. */
    void record(PublishedCatalog served) throws IOException {
        Map<String, String> checksums = new TreeMap<>();
        served.documents().forEach((path, bytes) -> checksums.put(path, checksum(bytes)));
        checksums.put(CatalogJson.INDEX_PATH, checksum(served.indexJson()));
        served.signedDocuments().forEach((path, bytes) -> checksums.put(path, checksum(bytes)));
        store.writeState(STATE, JSON.writeValueAsBytes(new Recorded(checksums, served.signedBy(),
                served.updated().toString())));
    }

    /** The catalogue recorded at the last clean stop, when the store still holds it exactly; else null. */
    PublishedCatalog load() throws IOException {
        Optional<byte[]> state = store.readState(STATE);
        if (state.isEmpty()) {
            return null;
        }
        Recorded recorded = JSON.readValue(state.get(), Recorded.class);
        if (!Objects.equals(recorded.signedBy(), signedBy)) {
            return notServed("it was signed with another key than now, or signed and not now");
        }
        SortedMap<String, byte[]> documents = new TreeMap<>();
        for (Map.Entry<String, String> checksum : recorded.checksums().entrySet()) {
            Optional<ImageStore.Tagged> read = store.readIfChanged(checksum.getKey(), null);
            if (read.isEmpty() || !checksum(read.get().content()).equals(checksum.getValue())) {
                return notServed(checksum.getKey() + " changed since");
            }
            documents.put(checksum.getKey(), read.get().content());
        }
        byte[] index = documents.remove(CatalogJson.INDEX_PATH);
        Map<String, byte[]> signed = new TreeMap<>();
        for (String path : List.copyOf(documents.keySet())) {
            if (path.endsWith(".sjson")) {
                signed.put(path, documents.remove(path));
            }
        }
        if (index == null || documents.isEmpty()) {
            return notServed("the record names no catalogue");
        }
        return new PublishedCatalog(() -> products(documents.values()), CatalogPublisher.readProblems(store), index,
                documents, null, Instant.parse(recorded.updated()), signed, signedBy);
    }

    private static String checksum(byte[] document) {
        CRC32C crc = new CRC32C();
        crc.update(document);
        return document.length + "-" + Long.toHexString(crc.getValue());
    }

    private static PublishedCatalog notServed(String why) {
        LOG.info("the catalogue published before the last stop is not served at start: " + why
                + "; it is served once the first pass has built it again");
        return null;
    }

    private static SortedMap<String, Product> products(Collection<byte[]> documents) {
        SortedMap<String, Product> products = new TreeMap<>();
        for (byte[] document : documents) {
            try {
                products.putAll(CatalogJson.readImages(document).products());
            } catch (IOException e) {
                throw new UncheckedIOException("a products document as this server wrote it is always readable", e);
            }
        }
        return products;
    }
}
