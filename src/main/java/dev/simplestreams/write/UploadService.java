package dev.simplestreams.write;

import dev.simplestreams.access.WriteScope;
import dev.simplestreams.indexer.Indexing;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;

/**
 * Accepts uploads into the image tree: one {@link UploadBatch} per request. Shared by all requests, so that
 * writers of the same path take turns.
 */
public final class UploadService {

    private final ImageStore store;
    private final Indexing indexer;
    private final UploadPolicy policy;
    private final Committer committer;

    public UploadService(ImageStore store, HashCache cache, Indexing indexer, UploadPolicy policy) {
        if (policy.maxUploadBytes() <= 0) {
            throw new IllegalArgumentException("the upload size limit must be positive");
        }
        this.store = store;
        this.indexer = indexer;
        this.policy = policy;
        this.committer = new Committer(store, cache, policy.allowOverwrites());
    }

    public UploadPolicy policy() {
        return policy;
    }

    /** {@code scope}: where the request's writer may create and overwrite files. */
    public UploadBatch begin(WriteScope scope) {
        return new UploadBatch(store, committer, indexer, policy, scope);
    }
}
