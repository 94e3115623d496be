package dev.simplestreams.delta;

import dev.simplestreams.catalog.Ftypes;
import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import dev.simplestreams.catalog.VersionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which deltas a catalogue calls for: the newest version of each product, from each of the {@code fromVersions}
 * versions before it, for squashfs roots only. Hosts refresh to the newest version, so older targets would
 * never be downloaded. Disk deltas are never made: Incus takes the base of every delta from the metadata's
 * squashfs fingerprint, so where a version holds a container and a VM it would apply a disk delta to the
 * container's squashfs, fail, and abort the whole download. Pure: it reads nothing.
 */
final class DeltaPlanner {

    private DeltaPlanner() {
    }

    /** The deltas the catalogue does not list yet, in product id order. */
    static List<DeltaJob> plan(PublishedCatalog catalog, int fromVersions) {
        List<DeltaJob> jobs = new ArrayList<>();
        for (Map.Entry<String, Product> entry : catalog.products().entrySet()) {
            List<Map.Entry<String, Version>> versions = new ArrayList<>(entry.getValue().versions().entrySet());
            if (versions.size() < 2) {
                continue;
            }
            Map.Entry<String, Version> newest = versions.get(versions.size() - 1);
            Optional<Item> target = squashfs(newest.getValue());
            if (target.isEmpty()) {
                continue;
            }
            VersionKey key = new VersionKey(ProductKey.fromId(entry.getKey()), newest.getKey());
            int from = Math.max(0, versions.size() - 1 - fromVersions);
            for (Map.Entry<String, Version> base : versions.subList(from, versions.size() - 1)) {
                Optional<Item> baseRoot = squashfs(base.getValue());
                if (baseRoot.isPresent() && !newest.getValue().items().containsKey(DeltaJob.name(base.getKey()))) {
                    jobs.add(new DeltaJob(key, base.getKey(), baseRoot.get(), target.get()));
                }
            }
        }
        return jobs;
    }

    private static Optional<Item> squashfs(Version version) {
        return version.items().values().stream().filter(i -> Ftypes.SQUASHFS.equals(i.ftype())).findFirst();
    }
}
