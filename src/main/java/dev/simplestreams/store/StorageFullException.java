package dev.simplestreams.store;

import java.io.IOException;

/** The volume holding the data root has no room (or the writer's quota is used up). */
public class StorageFullException extends IOException {

    public StorageFullException(String path, IOException cause) {
        super("no space left on the volume holding " + path, cause);
    }

    /**
     * The JDK reports ENOSPC and EDQUOT only through the operating system's message, so the message is the
     * only way to tell a full disk from other write failures.
     */
    static IOException classify(String path, IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded")
                ? new StorageFullException(path, e) : e;
    }
}
