package dev.simplestreams.indexer;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.VersionKey;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * What the rest of the server needs of the indexer: the catalog it serves, a version indexed now for a write
 * that waits to answer, a full rescan for changes it caused elsewhere, and how indexing is doing.
 */
public interface Indexing {

    /** Readiness turns false after this many failed passes in a row: one can be a file vanishing mid-read. */
    int FAILURES_BEFORE_UNREADY = 3;

    /** What the health endpoints, the status document and the metrics report. */
    record Status(boolean indexing, Instant lastIndexed, long lastDurationMillis,
            String lastError, int consecutiveFailures, long filesRead, long bytesRead, long catalogWrites,
            long runs, long failedRuns, long totalRunMillis, boolean leading, String leader,
            Indexer.Change lastChange) {
    }

    /** The catalog this server serves, or null while none was built or published yet. */
    PublishedCatalog current();

    /**
     * Indexes {@code version} now and returns a catalog that includes the result, for a write that answers
     * only once its version is published (or known to be incomplete).
     */
    PublishedCatalog refreshNow(VersionKey version) throws IOException;

    /** Asks for a full rescan at the next pass. */
    void requestRescan();

    Status status();

    /** When each version retention took out of the catalog will have its files deleted. */
    Map<String, Instant> deletionSchedule();
}
