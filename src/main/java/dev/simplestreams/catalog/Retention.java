package dev.simplestreams.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Keeps the newest N versions of each product in the catalogue and names the versions it takes out, so
 * that their files can be deleted once clients no longer rely on cached catalogues that list them.
 */
public final class Retention {

    public record Result(SortedMap<String, Product> products, List<VersionKey> retired) {
    }

    private Retention() {
    }

    /** {@code keep} of 0 keeps everything. */
    public static Result keepNewest(SortedMap<String, Product> products, int keep) {
        if (keep <= 0) {
            return new Result(products, List.of());
        }
        SortedMap<String, Product> kept = new TreeMap<>();
        List<VersionKey> retired = new ArrayList<>();
        products.forEach((id, product) -> {
            List<String> names = new ArrayList<>(product.versions().keySet());
            int cut = Math.max(0, names.size() - keep);
            if (cut == 0) {
                // Kept as it is, the same object: comparisons with the last catalogue recognise it at once.
                kept.put(id, product);
                return;
            }
            List<String> keptNames = names.subList(cut, names.size());
            ProductKey key = ProductKey.fromId(id);
            names.subList(0, cut).forEach(name -> retired.add(new VersionKey(key, name)));
            SortedMap<String, Version> versions = new TreeMap<>();
            for (String name : keptNames) {
                versions.put(name, withoutDeltasFrom(product.versions().get(name), keptNames));
            }
            kept.put(id, product.withVersions(versions));
        });
        return new Result(kept, List.copyOf(retired));
    }

    /** A delta is only usable against a base that clients can still see. */
    private static Version withoutDeltasFrom(Version version, List<String> keptNames) {
        SortedMap<String, Item> items = new TreeMap<>();
        for (Map.Entry<String, Item> item : version.items().entrySet()) {
            String base = item.getValue().deltaBase();
            if (base == null || keptNames.contains(base)) {
                items.put(item.getKey(), item.getValue());
            }
        }
        return new Version(items, version.fingerprints(), version.origin());
    }
}
