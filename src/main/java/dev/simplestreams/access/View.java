package dev.simplestreams.access;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.ProductKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A named part of the catalogue with its own readers: the products any filter matches or any prefix covers
 * (all products when there are neither). A prefix covers whole products: {@code images/team-a/} or
 * {@code images/debian/12/}. {@code open}: anyone may read it, without credentials.
 */
public record View(String name, boolean open, Set<String> users, Set<String> roles, List<ImageFilter> filters,
        List<String> prefixes) {

    public boolean mayBeReadBy(Caller caller) {
        return open || caller != null && (users.contains(caller.name()) || roles.stream().anyMatch(caller::isInRole));
    }

    public boolean covers(ProductKey product) {
        if (filters.isEmpty() && prefixes.isEmpty()) {
            return true;
        }
        String directory = product.directory() + "/";
        return filters.stream().anyMatch(f -> f.matches(product)) || prefixes.stream().anyMatch(directory::startsWith);
    }

    /** Whether a path below the data root (a file of a version, or a directory) belongs to this view's products. */
    public boolean coversPath(String path) {
        return productOf(path).filter(this::covers).isPresent();
    }

    /** The product whose directory holds {@code path}; empty for paths above a product or outside images/. */
    static Optional<ProductKey> productOf(String path) {
        String[] parts = path.split("/", 7);
        if (parts.length < 5 || !parts[0].equals(Layout.IMAGES) || parts[4].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ProductKey(parts[1], parts[2], parts[3], parts[4]));
    }
}
