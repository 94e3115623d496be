package dev.simplestreams.web;

import dev.simplestreams.testing.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.SortedMap;
import java.util.TreeMap;

/** Every entry under a directory, without following links: directories, links with their targets, file hashes. */
public final class TreeSnapshot {

    private TreeSnapshot() {
    }

    /**
     * Everything under a directory but the server's own state (hash cache, problem list) in any data root
     * there, which background passes may rewrite at any moment: what a refused request must leave as it was
     * is the tree and the catalogue.
     */
    public static SortedMap<String, String> withoutState(Path root) {
        SortedMap<String, String> entries = of(root);
        entries.keySet().removeIf(path -> path.startsWith(".state/") || path.contains("/.state/"));
        return entries;
    }

    public static SortedMap<String, String> of(Path root) {
        SortedMap<String, String> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    entries.put(root.relativize(dir) + "/", "dir");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    entries.put(root.relativize(file).toString(), attrs.isSymbolicLink()
                            ? "link to " + Files.readSymbolicLink(file)
                            : "sha256 " + Digests.sha256(Files.readAllBytes(file)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
