package dev.simplestreams.indexer;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.StoredAside;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes uploads stored aside (ALLOW_OVERWRITES off) once they are older than the retention: nothing
 * publishes them, and uploaders who cannot delete would otherwise see them pile up.
 */
final class StoredAsideCleaner {

    private static final Logger LOG = Logger.getLogger(StoredAsideCleaner.class.getName());

    private final ImageStore store;
    private final Duration retention;

    StoredAsideCleaner(ImageStore store, Duration retention) {
        this.store = store;
        this.retention = retention;
    }

    /** The number of files deleted. */
    int removeExpired(Instant now) throws IOException {
        long before = now.minus(retention).toEpochMilli();
        int removed = 0;
        for (StoredFile file : store.list(Layout.IMAGES)) {
            if (!StoredAside.isStoredAside(file.name()) || file.modifiedMillis() >= before) {
                continue;
            }
            try {
                if (store.delete(file.path())) {
                    removed++;
                    LOG.info("deleted " + file.path() + ": stored aside more than " + retention.toDays()
                            + " days ago (CONFLICT_RETENTION_DAYS)");
                }
            } catch (UnsafePathException e) {
                LOG.log(Level.WARNING, "not deleting " + file.path() + ": " + e.getMessage());
            }
        }
        return removed;
    }
}
