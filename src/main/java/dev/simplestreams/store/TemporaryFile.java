package dev.simplestreams.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.UUID;

/**
 * An image file being written: a hidden temporary in the target directory (same filesystem, so the final
 * rename is atomic), fsynced before it is renamed or linked into place. Discarded, it also removes the
 * directories made for it that are still empty, so a failed upload leaves the tree as it found it.
 */
final class TemporaryFile implements ImageStore.PendingFile {

    private static final String SUFFIX = ".upload";

    private final DataRoot root;
    private final String path;
    private final Path target;
    private final Path temp;
    private final Path firstCreatedDirectory;
    private final FileChannel channel;
    private final Writeback writeback;
    private boolean durable;
    private boolean committed;

    /** {@code firstCreatedDirectory}: the highest directory made for this file, or null. */
    TemporaryFile(DataRoot root, String path, Path target, Path firstCreatedDirectory) throws IOException {
        this.root = root;
        this.path = path;
        this.target = target;
        this.firstCreatedDirectory = firstCreatedDirectory;
        this.temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + SUFFIX);
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.writeback = new Writeback(channel);
    }

    /** Hidden, so never listed or published; a crash leaves them for {@link FileSystemStore#removeAbandonedUploads}. */
    static boolean isTemporaryName(String name) {
        return name.startsWith(".") && name.endsWith(SUFFIX);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            writeback.written(length);
        } catch (IOException e) {
            throw StorageFullException.classify(path, e);
        }
    }

    @Override
    public StoredFile commit(boolean replace) throws IOException, FileExistsException {
        makeDurable();
        if (replace) {
            distinguishFromReplaced();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            link(target, path);
        }
        return placed(target, path);
    }

    @Override
    public StoredFile commitAs(String name) throws IOException, UnsafePathException, FileExistsException {
        String sibling = path.substring(0, path.lastIndexOf('/') + 1) + name;
        Path other = root.resolve(sibling);
        if (!other.getParent().equals(target.getParent())) {
            throw new UnsafePathException("'" + name + "' is not a plain file name");
        }
        makeDurable();
        link(other, sibling);
        return placed(other, sibling);
    }

    /** Discards the bytes unless they were committed. */
    @Override
    public void close() throws IOException {
        writeback.abandon();
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
            if (!committed) {
                removeEmptyDirectories();
            }
        }
    }

    /** Stops at the first directory another writer has put something in meanwhile. */
    private void removeEmptyDirectories() throws IOException {
        if (firstCreatedDirectory == null) {
            return;
        }
        for (Path dir = target.getParent(); dir.startsWith(firstCreatedDirectory); dir = dir.getParent()) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            }
        }
    }

    /** May run more than once: a commit refused because the name exists can be followed by another. */
    private void makeDurable() throws IOException {
        if (committed) {
            throw new IllegalStateException(path + " was already committed");
        }
        if (durable) {
            return;
        }
        durable = true;
        try {
            writeback.finish();
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw StorageFullException.classify(path, e);
        }
    }

    /** A hard link creates the name only if it does not exist: no window in which a racing writer's file is lost. */
    private void link(Path name, String relative) throws IOException, FileExistsException {
        try {
            Files.createLink(name, temp);
        } catch (FileAlreadyExistsException e) {
            throw new FileExistsException(relative);
        }
    }

    /**
     * The hash cache and the indexer recognise a file by size and modification time (in milliseconds). Each
     * replacement is made later than the file it replaces, so that however fast writers follow one another, no
     * state of a path looks like an earlier one and keeps that one's hashes.
     */
    private void distinguishFromReplaced() throws IOException {
        long oldMillis;
        try {
            oldMillis = Files.getLastModifiedTime(target, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (NoSuchFileException e) {
            return;
        }
        if (Files.getLastModifiedTime(temp).toMillis() <= oldMillis) {
            Files.setLastModifiedTime(temp, FileTime.fromMillis(oldMillis + 1));
        }
    }

    private StoredFile placed(Path file, String relative) throws IOException {
        committed = true;
        FileSystemStore.syncDirectory(file.getParent());
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new StoredFile(relative, attrs.size(), attrs.lastModifiedTime().toMillis());
    }
}
