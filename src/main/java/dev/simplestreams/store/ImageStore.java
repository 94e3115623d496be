package dev.simplestreams.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where images, catalogue documents and the server's own state live. Paths are relative to the data root
 * and '/'-separated; every one is checked before use. Writers of image files see a file appear whole or
 * not at all.
 */
public interface ImageStore {

    /** Every visible regular file under {@code directory} (recursively), skipping hidden and temporary names. */
    List<StoredFile> list(String directory) throws IOException;

    Optional<StoredFile> stat(String path) throws IOException, UnsafePathException;

    InputStream open(String path) throws IOException, UnsafePathException;

    /**
     * Starts writing {@code path}. The bytes go to a hidden temporary next to it that no reader or listing
     * sees; the file appears whole, or not at all, when the returned handle is committed.
     */
    PendingFile create(String path) throws IOException, UnsafePathException;

    /** Deletes one file, or one directory with everything under it; false when nothing was there. */
    boolean delete(String path) throws IOException, UnsafePathException;

    /** Replaces a small document (the catalogue) atomically: readers see the old or the new bytes. */
    void publish(String path, byte[] content) throws IOException;

    /** The server's private state (hash cache); not part of the served tree. */
    Optional<byte[]> readState(String name) throws IOException;

    void writeState(String name, byte[] content) throws IOException;

    /** Whether a file can be created now (permissions, read-only mount, full volume); for readiness. */
    boolean isWritable();

    /**
     * A file being written by {@link #create}. Closing it without a commit removes what was written, so a
     * failed or abandoned upload leaves nothing behind. A full volume is reported as
     * {@link StorageFullException}.
     */
    interface PendingFile extends Closeable {

        void write(byte[] bytes, int offset, int length) throws IOException;

        /**
         * Makes the bytes durable and visible at the path. With {@code replace} false an existing file is left
         * alone and {@link FileExistsException} thrown; with true it is replaced atomically.
         */
        StoredFile commit(boolean replace) throws IOException, FileExistsException;

        /** Like {@code commit(false)}, but under {@code name} in the same directory. */
        StoredFile commitAs(String name) throws IOException, UnsafePathException, FileExistsException;
    }
}
