package dev.simplestreams.store;

import dev.simplestreams.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts a large file's disk writes while it is still being received. Left to itself the kernel keeps
 * gigabytes dirty in the page cache, and the fsync before publication then wrote the whole file at the end, a
 * large part of a large upload's time (measured in bench/RESULTS.md). An fdatasync every few tens of MiB, on a
 * thread of its own, overlaps the disk with the network, and the final fsync finds little left to do.
 */
final class Writeback {

    /** Bytes written between two flushes; small files never start one. */
    static final long EVERY = 32L << 20;

    private final FileChannel channel;
    private ExecutorService thread;
    private long unflushed;
    private Future<?> running;

    Writeback(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Counts written bytes; starts a flush when enough have gathered and none is running. Throws the failure
     * of the previous flush: the kernel reports a writeback error to one fsync only, so it is not left for
     * the final one to find.
     */
    void written(long bytes) throws IOException {
        unflushed += bytes;
        if (unflushed >= EVERY && (running == null || running.isDone())) {
            awaitRunning();
            unflushed = 0;
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(DaemonThreads.named("upload-writeback"));
            }
            running = thread.submit(() -> {
                channel.force(false);
                return null;
            });
        }
    }

    /** Waits for the flush in progress, ends the thread, and throws the flush's failure, if any. */
    void finish() throws IOException {
        abandon();
        awaitRunning();
    }

    /** Ends the thread without waiting: the file is being discarded. */
    void abandon() {
        // Never shutdownNow: interrupting a thread in force() would close the channel under the caller.
        if (thread != null) {
            thread.shutdown();
        }
    }

    private void awaitRunning() throws IOException {
        if (running == null) {
            return;
        }
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while an upload was being written to disk");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
