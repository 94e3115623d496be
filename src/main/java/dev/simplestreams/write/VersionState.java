package dev.simplestreams.write;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import dev.simplestreams.catalog.VersionKey;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A version directory as the catalogue just published sees it: published with its fingerprints and the
 * product's aliases, or left out and why. {@code notes} carries product-level problems such as an alias
 * another product already owns.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"directory", "product", "version", "published", "fingerprints", "aliases", "reason", "notes"})
public record VersionState(String directory, String product, String version, boolean published,
        List<String> fingerprints, List<String> aliases, String reason, List<String> notes) {

    public static VersionState of(PublishedCatalog catalog, VersionKey key) {
        String directory = key.directory();
        Product product = catalog.products().get(key.product().id());
        Version version = product == null ? null : product.versions().get(key.version());
        List<String> notes = reasons(catalog, key.product().directory(), false);
        if (version != null) {
            // A published version's own problems (its metadata.json) are notes too.
            notes = Stream.concat(notes.stream(), reasons(catalog, directory, true).stream()).toList();
            List<String> aliases = Arrays.stream(product.aliases().split(",")).filter(a -> !a.isEmpty()).toList();
            return new VersionState(directory, key.product().id(), key.version(), true, version.fingerprints(),
                    aliases, null, notes);
        }
        List<String> reasons = reasons(catalog, directory, true);
        String reason = reasons.isEmpty() ? "the version directory holds no image files" : String.join("; ", reasons);
        return new VersionState(directory, key.product().id(), key.version(), false, List.of(), List.of(), reason,
                notes);
    }

    /** When no catalogue could be built to say. */
    public static VersionState unknown(VersionKey key, String reason) {
        return new VersionState(key.directory(), key.product().id(), key.version(), false, List.of(), List.of(),
                reason, List.of());
    }

    private static List<String> reasons(PublishedCatalog catalog, String path, boolean below) {
        return catalog.problems().stream()
                .filter(p -> p.path().equals(path) || below && p.path().startsWith(path + "/"))
                .map(Problem::reason).distinct().toList();
    }
}
