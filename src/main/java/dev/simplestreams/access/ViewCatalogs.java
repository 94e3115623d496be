package dev.simplestreams.access;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.ProductsDocuments;
import dev.simplestreams.catalog.PublishedCatalog;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The catalogue each view (and the root) shows, built once per published catalogue: its own index.json and
 * images.json, whose item paths stay {@code images/...}, so that clients fetch them through the view's URL
 * with the view's credentials. Its problems are only those under the products it shows.
 */
final class ViewCatalogs {

    private record Built(PublishedCatalog source, PublishedCatalog filtered) {
    }

    private final Map<String, Built> built = new ConcurrentHashMap<>();

    PublishedCatalog of(String name, Predicate<ProductKey> shows, PublishedCatalog full) {
        if (full == null) {
            return null;
        }
        Built last = built.get(name);
        if (last != null && last.source() == full) {
            return last.filtered();
        }
        PublishedCatalog filtered = filter(shows, full);
        built.put(name, new Built(full, filtered));
        return filtered;
    }

    private static PublishedCatalog filter(Predicate<ProductKey> shows, PublishedCatalog full) {
        SortedMap<String, Product> products = new TreeMap<>();
        full.products().forEach((id, product) -> {
            if (shows.test(ProductKey.fromId(id))) {
                products.put(id, product);
            }
        });
        List<Problem> problems = full.problems().stream()
                .filter(problem -> View.productOf(problem.path()).filter(shows).isPresent()).toList();
        String updated = CatalogJson.updated(full.updated());
        // One products document whatever its size: a view is made when first read, not at every upload.
        ProductsDocuments.Written written = new ProductsDocuments(Long.MAX_VALUE).write(products, updated);
        return new PublishedCatalog(products, problems, CatalogJson.index(written.documents(), updated),
                written.whole().get(), full.updated());
    }
}
