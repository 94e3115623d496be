package dev.simplestreams.write;

import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.MetadataReader;
import dev.simplestreams.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Reads metadata.yaml from an uploaded tarball on a thread of its own, from the same buffers the digests see,
 * so the tarball is checked as it arrives and never read back. The reader pulls; the upload hands buffers over
 * like {@link DigestThread} and refills one only after the future of its hand-over completes, which happens
 * once the reader has moved past it or has stopped reading (found what it needs, or failed).
 */
final class TarballThread implements AutoCloseable {

    private record Chunk(byte[] bytes, int length, CompletableFuture<Void> consumed) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0, CompletableFuture.completedFuture(null));

    private final Deque<Chunk> chunks = new ArrayDeque<>();
    private final CompletableFuture<ImageMetadata> result = new CompletableFuture<>();
    private final Thread thread;
    private boolean stopped;

    /**
     * {@code whole}: read to the end, as for a split image's metadata tarball (see
     * {@link MetadataReader#readWhole}).
     */
    TarballThread(boolean whole) {
        thread = DaemonThreads.start("upload-tarball", () -> {
            try (InputStream in = new ChunkStream()) {
                result.complete(whole ? MetadataReader.readWhole(in) : MetadataReader.read(in));
            } catch (MetadataException | IOException | RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                stop();
            }
        });
    }

    Future<?> update(byte[] buffer, int length) {
        Chunk chunk = new Chunk(buffer, length, new CompletableFuture<>());
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(null);
            }
            chunks.addLast(chunk);
            notifyAll();
        }
        return chunk.consumed();
    }

    /** What metadata.yaml says, once every byte was handed over. */
    ImageMetadata finish() throws IOException, MetadataException {
        synchronized (this) {
            chunks.addLast(END);
            notifyAll();
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading an uploaded tarball");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MetadataException metadata) {
                throw metadata;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("reading an uploaded tarball failed", e.getCause());
        }
    }

    /** Releases every buffer handed over and any still to come. */
    private synchronized void stop() {
        stopped = true;
        chunks.forEach(chunk -> chunk.consumed().complete(null));
        chunks.clear();
        notifyAll();
    }

    /** Abandons the reading if it was not finished; the thread ends at its next wait for bytes. */
    @Override
    public void close() {
        thread.interrupt();
        stop();
    }

    /** The handed-over buffers as one stream, for the reader. */
    private final class ChunkStream extends InputStream {

        private Chunk current;
        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (current == END) {
                // Readers look past the end more than once.
                return -1;
            }
            while (current == null || position == current.length()) {
                if (current != null) {
                    current.consumed().complete(null);
                }
                current = next();
                position = 0;
                if (current == END) {
                    return -1;
                }
            }
            int n = Math.min(length, current.length() - position);
            System.arraycopy(current.bytes(), position, into, offset, n);
            position += n;
            return n;
        }

        /** The reader is done with the buffer it was in, wherever it stopped. */
        @Override
        public void close() {
            if (current != null) {
                current.consumed().complete(null);
            }
        }

        private Chunk next() throws IOException {
            synchronized (TarballThread.this) {
                while (chunks.isEmpty()) {
                    if (stopped) {
                        throw new InterruptedIOException("the upload ended");
                    }
                    try {
                        TarballThread.this.wait();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("the upload ended");
                    }
                }
                return chunks.removeFirst();
            }
        }
    }
}
