package dev.simplestreams.indexer;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.VersionKey;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Watches every directory under {@code images/}, including ones created later (each new directory is
 * registered and walked at once, so a tree moved in whole is seen), and reports which version directories
 * changed. When the kernel drops events it asks for a full rescan instead.
 */
final class TreeWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TreeWatcher.class.getName());

    interface Listener {
        void versionChanged(VersionKey version);

        void rescanNeeded(String reason);
    }

    private final Path root;
    private final Path images;
    private final WatchService service;
    private final Listener listener;
    private final Map<WatchKey, Path> keys = new HashMap<>();

    TreeWatcher(Path root, Listener listener) throws IOException {
        this.root = root;
        this.images = root.resolve(Layout.IMAGES);
        this.listener = listener;
        Files.createDirectories(images);
        this.service = FileSystems.getDefault().newWatchService();
    }

    /**
     * Watches the tree, then blocks, delivering changes, until closed. The watches are set up here, on the
     * caller's thread, not before the server starts: one per directory, they take long on a large tree (the
     * figures are in bench/RESULTS.md).
     * Changes made while they are set up are found by the rescan asked for once they are.
     */
    void run() throws InterruptedException {
        registerTree(images, false);
        listener.rescanNeeded("the whole tree is watched now; looking for changes made while the watches were set up");
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (ClosedWatchServiceException e) {
                return;
            }
            Path dir = keys.get(key);
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    listener.rescanNeeded("file events were lost (watch queue overflow)");
                    continue;
                }
                if (dir == null) {
                    continue;
                }
                Path changed = dir.resolve((Path) event.context());
                if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                        && Files.isDirectory(changed, LinkOption.NOFOLLOW_LINKS)) {
                    registerTree(changed, true);
                }
                report(changed);
            }
            if (!key.reset()) {
                keys.remove(key);
            }
        }
    }

    private void report(Path changed) {
        String relative = root.relativize(changed).toString().replace('\\', '/');
        String[] parts = relative.split("/");
        if (parts.length >= 6) {
            try {
                listener.versionChanged(Layout.parseVersionDirectory(String.join("/", java.util.Arrays.copyOf(parts, 6))));
            } catch (LayoutException e) {
                // Outside the layout: a full rescan reports it as a problem.
                listener.rescanNeeded(relative + " changed outside the layout");
            }
        } else if (!Layout.isIgnoredName(changed.getFileName().toString())) {
            // A product or release directory appeared, moved or vanished: cheaper to rescan than to guess.
            listener.rescanNeeded(relative + " changed");
        }
    }

    private void registerTree(Path start, boolean reportFound) {
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(images) && Layout.isIgnoredName(dir.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    keys.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY), dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (reportFound) {
                        report(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warning("cannot watch " + start + ": " + e.getMessage() + "; relying on periodic rescans");
            listener.rescanNeeded("a directory could not be watched");
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
