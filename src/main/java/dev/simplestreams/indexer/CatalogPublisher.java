package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.ImagesJsonWriter;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes images.json, then index.json (so index.json never names products images.json lacks), each
 * atomically, and makes the new state visible to the servlets only after both are on disk. The problems go
 * to the store's state, for replicas that serve this catalogue without indexing.
 */
final class CatalogPublisher {

    static final String PROBLEMS_STATE = "problems.json";

    private final ImageStore store;
    private final ImagesJsonWriter imagesJson = new ImagesJsonWriter();
    private volatile PublishedCatalog current;
    private final AtomicLong writes = new AtomicLong();

    CatalogPublisher(ImageStore store) {
        this.store = store;
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
        if (previous == null || !Objects.equals(previous.products(), products)) {
            store.publish(CatalogJson.IMAGES_PATH, images);
            store.publish(CatalogJson.INDEX_PATH, index);
            writes.incrementAndGet();
        } else {
            // Only the problem list changed: the served documents stay byte-identical.
            images = previous.imagesJson();
            index = previous.indexJson();
            now = previous.updated();
        }
        if (previous == null || !previous.problems().equals(problems)) {
            store.writeState(PROBLEMS_STATE, JSON.writeValueAsBytes(problems));
        }
        PublishedCatalog published = new PublishedCatalog(products, problems, index, images, now);
        current = published;
        return published;
    }
}
