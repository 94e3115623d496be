package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Products;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue as the leader published it, for a replica that does not index: images.json read again only
 * when it changed (a conditional GET), index.json derived from it byte for byte as the leader wrote it, and
 * the problems the leader found, so answers and the status document explain what was left out.
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
        Optional<ImageStore.Tagged> read = store.readIfChanged(CatalogJson.IMAGES_PATH, tag);
        Optional<byte[]> problemsRead = store.readState(CatalogPublisher.PROBLEMS_STATE);
        List<Problem> problems = problemsRead.isEmpty() ? List.of()
                : List.of(JSON.readValue(problemsRead.get(), Problem[].class));
        if (read.isPresent()) {
            Products products = CatalogJson.readImages(read.get().content());
            current = new PublishedCatalog(products.products(), problems,
                    CatalogJson.index(products.products(), products.updated()), read.get().content(),
                    updated(products.updated()));
            tag = read.get().tag();
        } else if (current != null && !current.problems().equals(problems)) {
            current = new PublishedCatalog(current.products(), problems, current.indexJson(), current.imagesJson(),
                    current.updated());
        }
        return current;
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
