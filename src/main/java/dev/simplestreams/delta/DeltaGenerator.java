package dev.simplestreams.delta;

import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.FileExistsException;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Makes one delta: encodes it in a private work directory, keeps it only if it is small enough, applies it to
 * the base as the clients do and compares the result's sha256 with the target's, and only then writes it into
 * the store through a pending file that appears whole at commit. Roots are read in place from a data root, and
 * copied into the work directory from a bucket.
 */
final class DeltaGenerator {

    /** What became of a job that did not fail. */
    sealed interface Outcome permits Made, TooLarge, Present {
    }

    /** Published: {@code size} bytes instead of the target's {@code targetSize}. */
    record Made(long size, long targetSize) implements Outcome {
    }

    record TooLarge(long size, long limit) implements Outcome {
    }

    /** Another writer (the mirror, an upload) put a file there first; it is left alone. */
    record Present() implements Outcome {
    }

    private final ImageStore store;
    private final HashCache cache;
    private final Xdelta3 encoder;
    private final Path workDir;
    private final int maxPercent;
    private final Duration timeout;

    DeltaGenerator(ImageStore store, HashCache cache, Xdelta3 encoder, Path workDir, int maxPercent,
            Duration timeout) {
        this.store = store;
        this.cache = cache;
        this.encoder = encoder;
        this.workDir = workDir;
        this.maxPercent = maxPercent;
        this.timeout = timeout;
    }

    Outcome make(DeltaJob job) throws IOException, InterruptedException, UnsafePathException {
        Path scratch = Files.createTempDirectory(workDir, "job");
        try {
            Path base = local(job.base().path(), scratch.resolve("base"));
            Path target = local(job.target().path(), scratch.resolve("target"));
            Path delta = scratch.resolve("delta");
            encoder.encode(base, target, delta, timeout);
            long size = Files.size(delta);
            long limit = job.target().size() * maxPercent / 100;
            if (size > limit) {
                return new TooLarge(size, limit);
            }
            String decoded = encoder.decodedSha256(base, delta, timeout);
            if (!decoded.equals(job.target().sha256())) {
                throw new IOException("applied to " + job.base().path() + " it gives sha256 " + decoded
                        + ", not the " + job.target().sha256() + " of " + job.target().path()
                        + " (was a file replaced meanwhile?)");
            }
            return publish(job, delta, size);
        } finally {
            deleteTree(scratch);
        }
    }

    private Outcome publish(DeltaJob job, Path delta, long size) throws IOException, UnsafePathException {
        String sha256;
        StoredFile stored;
        try (ImageStore.PendingFile pending = store.create(job.path()); InputStream in = Files.newInputStream(delta)) {
            MessageDigest digest = Sha256.newDigest();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                pending.write(buffer, 0, n);
                digest.update(buffer, 0, n);
            }
            sha256 = Sha256.hex(digest);
            stored = pending.commit(false);
        } catch (FileExistsException e) {
            return new Present();
        }
        // Its bytes were just checked by decoding them: the indexer need not read them again.
        cache.put(stored.path(), new HashCache.Entry(stored.size(), stored.modifiedMillis(), sha256, null, null,
                null, true));
        return new Made(size, job.target().size());
    }

    private Path local(String path, Path copy) throws IOException, UnsafePathException {
        if (store instanceof FileSystemStore local) {
            return local.root().resolve(path);
        }
        try (InputStream in = store.open(path)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
