package dev.simplestreams.indexer;

import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Clean-up after uploads, done by the leader besides indexing: partial files abandoned by a server that died
 * mid-upload, once after each election, and uploads stored aside past their retention, after full rescans.
 * A failure here is no failure of indexing: it is logged and tried again later. The index thread's alone.
 */
final class UploadLeftovers {

    private static final Logger LOG = Logger.getLogger(UploadLeftovers.class.getName());
    /** Uploads abandoned by a crash (no server still writes them after this long) are removed after election. */
    private static final Duration ABANDONED_AFTER = Duration.ofDays(1);
    /** Stored-aside uploads are looked for after a full rescan, but no more often than this: it walks the tree. */
    private static final Duration STORED_ASIDE_CHECK_INTERVAL = Duration.ofHours(1);

    private final ImageStore store;
    private final StoredAsideCleaner storedAside;
    private boolean abandonedDue;
    private long nextStoredAsideCheck;

    UploadLeftovers(ImageStore store, Duration conflictRetention) {
        this.store = store;
        this.storedAside = new StoredAsideCleaner(store, conflictRetention);
    }

    void elected() {
        abandonedDue = true;
    }

    void afterRescan() {
        if (System.nanoTime() < nextStoredAsideCheck) {
            return;
        }
        try {
            storedAside.removeExpired(Instant.now());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing expired stored-aside uploads: " + e.getMessage(), e);
        }
        nextStoredAsideCheck = System.nanoTime() + STORED_ASIDE_CHECK_INTERVAL.toNanos();
    }

    /**
     * After the first successful pass of an election, off the way to the first catalog: walking the whole tree
     * for abandoned uploads is slow on a large tree.
     */
    void afterPass() {
        if (!abandonedDue) {
            return;
        }
        abandonedDue = false;
        try {
            int removed = store.removeAbandonedUploads(ABANDONED_AFTER);
            if (removed > 0) {
                LOG.info("removed " + removed + " abandoned upload(s)");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing abandoned uploads: " + e.getMessage()
                    + "; tried again on the next election", e);
        }
    }
}
