package dev.simplestreams.delta;

import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Deletes the deltas whose base version is gone from the store (pruned after retention's grace period, or
 * deleted), whoever made them: no catalogue lists them any more, and nothing can apply them. A delta whose
 * target is gone went with its version directory.
 */
final class OrphanSweeper {

    private static final Logger LOG = Logger.getLogger(OrphanSweeper.class.getName());

    private final ImageStore store;
    private final DeltaRecords records;

    OrphanSweeper(ImageStore store, DeltaRecords records) {
        this.store = store;
        this.records = records;
    }

    /** Returns the paths deleted. */
    List<String> sweep(ProductKey product) throws IOException {
        List<StoredFile> files = store.list(product.directory());
        Set<String> versions = new HashSet<>();
        files.forEach(file -> versions.add(file.parent()));
        List<String> deleted = new ArrayList<>();
        for (StoredFile file : files) {
            String base = FileKind.recognise(file.name()).filter(r -> r.kind().isDelta())
                    .map(FileKind.Recognised::deltaBase).orElse(null);
            if (base == null || versions.contains(product.directory() + "/" + base)) {
                continue;
            }
            try {
                if (store.delete(file.path())) {
                    deleted.add(file.path());
                    LOG.info("deleted " + file.path() + ": its base version " + base + " is gone");
                }
            } catch (UnsafePathException e) {
                throw new IOException(file.path() + ": " + e.getMessage(), e);
            }
            records.forget(file.path());
        }
        return deleted;
    }
}
