package dev.simplestreams.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
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

    /**
     * Replaces a small document (the catalogue) atomically: readers see the old or the new bytes. A store shared
     * by several servers writes only over the version this one last read or wrote, and otherwise throws
     * {@link StaleWriteException}: a replica working from an old view never overwrites a newer catalogue.
     */
    void publish(String path, byte[] content) throws IOException;

    /**
     * A published document if it differs from the version tagged {@code knownTag} (null: whatever is there);
     * empty when unchanged or absent. What is read here is what {@link #publish} will write over.
     */
    Optional<Tagged> readIfChanged(String path, String knownTag) throws IOException;

    /**
     * Where a client can fetch this file's bytes without the server streaming them (a presigned or public URL),
     * or empty when the server serves them itself.
     */
    Optional<URI> downloadUrl(String path) throws UnsafePathException;

    /** The server's private state (hash cache); not part of the served tree. */
    Optional<byte[]> readState(String name) throws IOException;

    void writeState(String name, byte[] content) throws IOException;

    /**
     * Replaces state that is derived from the tree and written again at every start (the problems the catalogue
     * leaves out), atomically, but need not force it to disk first: it is written on the way to answering uploads.
     */
    default void writeDerivedState(String name, byte[] content) throws IOException {
        writeState(name, content);
    }

    /** The names of state documents that start with {@code prefix}, in name order. */
    List<String> listState(String prefix) throws IOException;

    void deleteState(String name) throws IOException;

    /** Removes uploads abandoned by a crash (never visible) that were started more than {@code olderThan} ago. */
    int removeAbandonedUploads(Duration olderThan) throws IOException;

    /** Whether a file can be created now (permissions, read-only mount, full volume); for readiness. */
    boolean isWritable();

    /** A document's bytes and the tag of that version of it. */
    record Tagged(byte[] content, String tag) {
    }

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
