package dev.simplestreams.store;

import dev.simplestreams.catalog.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The data root on a local or mounted filesystem. Files are written to a hidden temporary in the target
 * directory (same filesystem, so the final rename is atomic), fsynced, then renamed into place.
 *
 * <p>Longer than 300 lines: it implements the whole ImageStore contract for one back end, each method short.
 */
public final class FileSystemStore implements ImageStore {

    private static final String STATE_DIR = ".state";
    /**
     * The most handed to one write: the JDK copies a heap buffer into a temporary direct buffer of its size, kept
     * per thread, so writing an 8 MB catalogue at once gave every request thread an 8 MB native buffer of its own.
     */
    private static final int WRITE_SLICE = 1 << 20;

    private final DataRoot root;
    /** One server owns a data root: a temporary last written before it opened the root is no upload of its own. */
    private final long openedMillis = System.currentTimeMillis();

    public FileSystemStore(DataRoot root) {
        this.root = root;
    }

    public DataRoot root() {
        return root;
    }

    @Override
    public List<StoredFile> list(String directory) throws IOException {
        Path start;
        try {
            start = root.resolve(directory);
        } catch (UnsafePathException e) {
            throw new IllegalArgumentException(directory + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<StoredFile> files = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(start) && Layout.isIgnoredName(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !Layout.isIgnoredName(file.getFileName().toString())) {
                    files.add(new StoredFile(root.relative(file), attrs.size(), attrs.lastModifiedTime().toMillis()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // A file deleted while we walk is not an error: the next pass sees the tree as it is.
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparing(StoredFile::path));
        return files;
    }

    @Override
    public Optional<StoredFile> stat(String path) throws IOException, UnsafePathException {
        Path file = root.resolve(path);
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attrs.isRegularFile()
                    ? Optional.of(new StoredFile(path, attrs.size(), attrs.lastModifiedTime().toMillis()))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(String path) throws IOException, UnsafePathException {
        return Files.newInputStream(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public PendingFile create(String path) throws IOException, UnsafePathException {
        Path target = root.resolve(path);
        for (int attempt = 1; ; attempt++) {
            Path firstCreated = firstMissing(target.getParent());
            try {
                Files.createDirectories(target.getParent());
                return new TemporaryFile(root, path, target, firstCreated);
            } catch (NoSuchFileException e) {
                // A failed upload next door removed the directory it had made, just before our file went in.
                if (attempt == 3) {
                    throw e;
                }
            } catch (IOException e) {
                throw StorageFullException.classify(path, e);
            }
        }
    }

    /** The highest directory on the way to {@code dir} that does not exist yet, or null when all do. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    @Override
    public boolean delete(String path) throws IOException, UnsafePathException {
        Path target = root.resolve(path);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.walkFileTree(target, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } else {
            Files.delete(target);
        }
        syncDirectory(target.getParent());
        return true;
    }

    @Override
    public void publish(String path, byte[] content) throws IOException {
        try {
            // Not forced to disk: the catalogue is derived from the tree, served from memory, and written again
            // at every start, so a crash cannot leave a served catalogue behind. Forcing it to disk was most of
            // what publishing an upload cost (bench/RESULTS.md).
            replaceAtomically(root.resolve(path), content, false);
        } catch (UnsafePathException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** One server owns the tree: the tag only tells this server's own versions apart. */
    @Override
    public Optional<Tagged> readIfChanged(String path, String knownTag) throws IOException {
        Path file;
        try {
            file = root.resolve(path);
        } catch (UnsafePathException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String tag = attrs.size() + "-" + attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            return tag.equals(knownTag) ? Optional.empty() : Optional.of(new Tagged(Files.readAllBytes(file), tag));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** DefaultServlet serves the files from the mounted tree. */
    @Override
    public Optional<URI> downloadUrl(String path) throws UnsafePathException {
        // Asked on every download: the path's text is checked, the links are DefaultServlet's to refuse, since
        // looking at each directory on disk here would change nothing about who answers.
        DataRoot.check(path);
        return Optional.empty();
    }

    /** Where the server's private state lives, for state that is appended to rather than replaced. */
    public Path stateDirectory() {
        return root.path().resolve(STATE_DIR);
    }

    @Override
    public Optional<byte[]> readState(String name) throws IOException {
        Path file = root.path().resolve(STATE_DIR).resolve(name);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> listState(String prefix) throws IOException {
        Path state = root.path().resolve(STATE_DIR);
        if (!Files.isDirectory(state)) {
            return List.of();
        }
        try (var walk = Files.walk(state)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> state.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
                    .filter(name -> name.startsWith(prefix) && !Layout.isIgnoredName(name.substring(
                            name.lastIndexOf('/') + 1)))
                    .sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void deleteState(String name) throws IOException {
        Files.deleteIfExists(root.path().resolve(STATE_DIR).resolve(name));
    }

    @Override
    public void writeState(String name, byte[] content) throws IOException {
        replaceAtomically(root.path().resolve(STATE_DIR).resolve(name), content, true);
    }

    /** Not forced, as the catalogue documents are not: forcing made each upload that changed them wait for the disk. */
    @Override
    public void writeDerivedState(String name, byte[] content) throws IOException {
        replaceAtomically(root.path().resolve(STATE_DIR).resolve(name), content, false);
    }

    @Override
    public boolean isWritable() {
        try {
            Path dir = Files.createDirectories(root.path().resolve(STATE_DIR));
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Temporaries left by a crash mid-write; they are hidden, so nothing ever published them. Besides those older
     * than {@code olderThan}, every one from before this store was opened: no upload of this server wrote it.
     */
    @Override
    public int removeAbandonedUploads(Duration olderThan) throws IOException {
        List<Path> stale = new ArrayList<>();
        Path images = root.path().resolve(Layout.IMAGES);
        long startedBefore = Math.max(System.currentTimeMillis() - olderThan.toMillis(), openedMillis);
        if (Files.isDirectory(images)) {
            try (var walk = Files.walk(images)) {
                walk.filter(p -> TemporaryFile.isTemporaryName(p.getFileName().toString()))
                        .filter(p -> modifiedBefore(p, startedBefore))
                        .forEach(stale::add);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
        return stale.size();
    }

    private static boolean modifiedBefore(Path file, long millis) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis() <= millis;
        } catch (IOException e) {
            return false;
        }
    }

    private static void replaceAtomically(Path target, byte[] content, boolean durable) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int at = 0; at < content.length; at += WRITE_SLICE) {
                    ByteBuffer slice = ByteBuffer.wrap(content, at, Math.min(WRITE_SLICE, content.length - at));
                    while (slice.hasRemaining()) {
                        out.write(slice);
                    }
                }
                if (durable) {
                    out.force(true);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (durable) {
                syncDirectory(dir);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes a rename durable: without it a crash can lose the new directory entry. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some filesystems cannot fsync a directory; the data itself is already durable.
        }
    }
}
