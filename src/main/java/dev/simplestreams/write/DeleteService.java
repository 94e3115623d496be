package dev.simplestreams.write;

import dev.simplestreams.access.Operation;
import dev.simplestreams.access.Refusal;
import dev.simplestreams.access.WriteScope;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.indexer.Indexing;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Removes one version directory or one file in it, when ALLOW_DELETES allows, and re-indexes that version
 * before answering. Nothing above a version directory can be named, so the tree as a whole is safe.
 */
public final class DeleteService {

    private static final Logger LOG = Logger.getLogger(DeleteService.class.getName());
    private static final String WHAT = "only a version directory images/<os>/<release>/<arch>/<variant>/<version> "
            + "or one file in it can be deleted";

    private final ImageStore store;
    private final Indexing indexer;
    private final boolean allowed;

    public DeleteService(ImageStore store, Indexing indexer, boolean allowed) {
        this.store = store;
        this.indexer = indexer;
        this.allowed = allowed;
    }

    /**
     * {@code path} is relative to the data root, e.g. {@code images/ubuntu/jammy/amd64/default/20261125_14:05};
     * {@code scope} must allow deleting there.
     */
    public DeleteReport delete(String path, WriteScope scope) throws IOException {
        if (!allowed) {
            throw WriteException.notAllowed("deleting is turned off on this server; set ALLOW_DELETES "
                    + "to a non-empty value to allow DELETE of a version directory or of one file in it");
        }
        VersionKey version = versionOf(path);
        Optional<Refusal> refusal = scope.check(Operation.DELETE, path);
        if (refusal.isPresent()) {
            throw WriteException.outOfScope(refusal.get());
        }
        try {
            if (!store.delete(path)) {
                throw WriteException.notFound(path);
            }
        } catch (UnsafePathException e) {
            throw WriteException.invalid("'" + path + "': " + e.getMessage());
        }
        LOG.info(() -> "deleted " + path);
        return new DeleteReport(path, VersionState.of(indexer.refreshNow(version), version));
    }

    private static VersionKey versionOf(String path) throws WriteException {
        String[] parts = path.split("/", -1);
        String directory = parts.length == 7 ? path.substring(0, path.lastIndexOf('/')) : path;
        if (parts.length != 6 && parts.length != 7) {
            throw WriteException.invalid(WHAT + "; '" + path + "' is neither");
        }
        try {
            return Layout.parseVersionDirectory(directory);
        } catch (LayoutException e) {
            throw WriteException.invalid(WHAT + "; " + e.getMessage());
        }
    }
}
