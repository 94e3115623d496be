package dev.simplestreams.store;

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
     * Streams {@code content} into {@code path} and makes it visible atomically once complete and durable.
     * With {@code replace} false an existing file is left alone and {@link FileExistsException} thrown.
     */
    StoredFile write(String path, InputStream content, boolean replace)
            throws IOException, UnsafePathException, FileExistsException;

    /** Deletes one file, or one directory with everything under it; false when nothing was there. */
    boolean delete(String path) throws IOException, UnsafePathException;

    /** Replaces a small document (the catalogue) atomically: readers see the old or the new bytes. */
    void publish(String path, byte[] content) throws IOException;

    /** The server's private state (hash cache); not part of the served tree. */
    Optional<byte[]> readState(String name) throws IOException;

    void writeState(String name, byte[] content) throws IOException;
}
