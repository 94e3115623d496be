package dev.simplestreams.indexer;

import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.concurrent.DaemonThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the {@link TreeWatcher} of a local data root on a thread of its own, reporting into the
 * {@link ChangeQueue}. It starts watching after the first pass has published, or after a minute if that pass
 * keeps failing: setting the watches up beside the first pass slowed it as much as it saved, both walking the
 * tree on the same cores, and after it the server already serves while they are set up.
 */
final class WatcherThread implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WatcherThread.class.getName());
    private static final Duration FIRST_PASS_WAIT = Duration.ofMinutes(1);

    private final TreeWatcher watcher;
    private final Thread thread;
    private volatile boolean closing;

    WatcherThread(Path root, ChangeQueue queue, CountDownLatch firstPass) throws IOException {
        watcher = new TreeWatcher(root, new TreeWatcher.Listener() {
            @Override
            public void versionChanged(VersionKey version) {
                queue.versionChanged(version);
            }

            @Override
            public void rescanNeeded(String reason) {
                LOG.fine(() -> "full rescan: " + reason);
                queue.requestRescan();
            }
        });
        thread = DaemonThreads.start("watcher", () -> run(firstPass));
    }

    private void run(CountDownLatch firstPass) {
        try {
            firstPass.await(FIRST_PASS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            watcher.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.log(Level.SEVERE, "file watcher failed; relying on periodic rescans", e);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.fine(() -> "closing the watcher: " + e);
        }
        DaemonThreads.stop(thread);
    }
}
