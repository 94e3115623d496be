package dev.simplestreams.write;

import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A SHA-256 digest updated on a thread of its own. An upload's two digests (the file's and the image
 * fingerprint) then run beside each other and beside the socket reads and file writes, instead of one after
 * another on the request thread, where SHA-256 was most of the cost of a large upload. Buffers are hashed in
 * the order they are handed over; the caller refills one only after {@link #await} of its update.
 */
final class DigestThread implements AutoCloseable {

    private final MessageDigest digest;
    private final ExecutorService thread;

    DigestThread(MessageDigest digest, String name) {
        this.digest = digest;
        this.thread = Executors.newSingleThreadExecutor(DaemonThreads.named(name));
    }

    Future<?> update(byte[] buffer, int length) {
        return thread.submit(() -> digest.update(buffer, 0, length));
    }

    /** The digest of everything handed over. */
    String hex() throws IOException {
        return await(thread.submit(() -> Sha256.hex(digest)));
    }

    static <T> T await(Future<T> update) throws IOException {
        try {
            return update.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing an upload");
        } catch (ExecutionException e) {
            throw new IllegalStateException("SHA-256 failed", e.getCause());
        }
    }

    /** Abandons the digest if it was not finished; the thread ends once the update in progress has. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
