package dev.simplestreams.store;

import java.io.IOException;
import java.util.Optional;

/**
 * Compare-and-swap on a state document, for coordination between replicas (a lease). Only stores shared by
 * several servers offer it.
 */
public interface ConditionalState {

    Optional<ImageStore.Tagged> readTagged(String name) throws IOException;

    /**
     * Writes {@code content} only if the document is still at {@code expectedTag} (null: only if there is none);
     * the new tag, or empty when another writer came first.
     */
    Optional<String> swap(String name, byte[] content, String expectedTag) throws IOException;
}
