package dev.simplestreams.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The one place that turns a relative path from the outside world (an upload name, a URL, an upstream
 * catalogue) into a file under the data root. Every segment is checked, the result must stay under the
 * root, and no existing component may be a symbolic link.
 */
public final class DataRoot {

    private final Path root;

    public DataRoot(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    public Path path() {
        return root;
    }

    public Path resolve(String relative) throws UnsafePathException {
        check(relative);
        Path current = root;
        for (String segment : relative.split("/", -1)) {
            current = current.resolve(segment);
            if (Files.isSymbolicLink(current)) {
                throw new UnsafePathException("the path goes through a symbolic link");
            }
        }
        Path normalised = current.normalize();
        if (!normalised.startsWith(root) || normalised.equals(root)) {
            throw new UnsafePathException("the path leaves the data root");
        }
        return normalised;
    }

    /** The rules on the text of a path alone, for stores without a filesystem under them (object keys). */
    public static void check(String relative) throws UnsafePathException {
        if (relative == null || relative.isEmpty()) {
            throw new UnsafePathException("the path is empty");
        }
        if (relative.length() > 1024) {
            throw new UnsafePathException("the path is longer than 1024 characters");
        }
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new UnsafePathException("the path contains a control character");
            }
            if (c == '\\') {
                throw new UnsafePathException("the path contains a backslash; use '/' between directories");
            }
        }
        if (relative.startsWith("/")) {
            throw new UnsafePathException("the path must be relative (no leading '/')");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new UnsafePathException("the path has an empty, '.' or '..' segment");
            }
            if (segment.startsWith(".")) {
                throw new UnsafePathException("the path has a hidden segment ('" + segment + "')");
            }
            if (segment.length() > 255) {
                throw new UnsafePathException("a path segment is longer than 255 characters");
            }
        }
    }

    /** The relative, '/'-separated form of a path under the root. */
    public String relative(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    public boolean isRegularFile(Path path) {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
    }
}
