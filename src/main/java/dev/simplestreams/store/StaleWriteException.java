package dev.simplestreams.store;

import java.io.IOException;

/**
 * A conditional write was refused because another writer changed the object since it was read: a replica
 * that wrongly believed it led, or raced the leader. Reading again and redoing the work is the answer.
 */
public final class StaleWriteException extends IOException {

    public StaleWriteException(String path) {
        super(path + " was changed by another replica since it was read; it is read again and the work redone");
    }
}
