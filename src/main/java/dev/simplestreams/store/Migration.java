package dev.simplestreams.store;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Copies the image files of a filesystem data root into a bucket, for moving a single server to replicas.
 * Every file is hashed while it streams up and read back from the bucket to compare; a file already in the
 * bucket is read back and compared too, never overwritten, so running it again resumes an interrupted run
 * and proves a finished one. The hashes go into the bucket's hash cache, so the indexing replica reads
 * nothing again. The catalogue itself is built by that replica, as for any file.
 */
public final class Migration {

    private static final Logger LOG = Logger.getLogger(Migration.class.getName());
    private static final int BUFFER = 1 << 20;

    /** What a run did; {@code failed} names each file that is not in the bucket as it is on disk, and why. */
    public record Report(int copied, int verified, List<String> failed) {
    }

    private final FileSystemStore source;
    private final ImageStore target;

    public Migration(FileSystemStore source, ImageStore target) {
        this.source = source;
        this.target = target;
    }

    public Report run() throws IOException {
        HashCache known = HashCache.load(source);
        HashCache migrated = HashCache.load(target);
        int copied = 0;
        int verified = 0;
        List<String> failed = new ArrayList<>();
        for (StoredFile file : source.list(Layout.IMAGES)) {
            try {
                Optional<StoredFile> there = target.stat(file.path());
                String sha256;
                StoredFile placed;
                if (there.isEmpty()) {
                    sha256 = copy(file);
                    placed = target.stat(file.path()).orElseThrow(() -> new IOException("vanished after the copy"));
                    copied++;
                } else {
                    sha256 = Sha256.hex(digest(source, file.path()));
                    placed = there.get();
                    verified++;
                }
                String inBucket = Sha256.hex(digest(target, file.path()));
                if (!inBucket.equals(sha256)) {
                    failed.add(file.path() + ": the bucket holds other bytes (sha256 " + inBucket + ", on disk "
                            + sha256 + "); left as it is: delete it from the bucket and run again");
                    continue;
                }
                HashCache.Entry entry = known.lookup(file).filter(e -> e.sha256().equals(sha256)).orElse(null);
                migrated.put(file.path(), new HashCache.Entry(placed.size(), placed.modifiedMillis(), sha256,
                        entry == null ? null : entry.combinedWith(), entry == null ? null : entry.combined(),
                        entry == null ? null : entry.metadata(), entry != null && entry.contentChecked()));
            } catch (IOException | UnsafePathException e) {
                failed.add(file.path() + ": " + e.getMessage());
            }
        }
        migrated.save(target);
        return new Report(copied, verified, List.copyOf(failed));
    }

    /** Streams the file up, hashing it on the way; returns its sha256. */
    private String copy(StoredFile file) throws IOException, UnsafePathException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = source.open(file.path()); ImageStore.PendingFile pending = target.create(file.path())) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                pending.write(buffer, 0, n);
            }
            pending.commit(false);
        } catch (FileExistsException e) {
            throw new IOException("another writer created it in the bucket meanwhile; run again to verify it", e);
        }
        return Sha256.hex(digest);
    }

    private static MessageDigest digest(ImageStore store, String path) throws IOException, UnsafePathException {
        try (InputStream in = store.open(path)) {
            return Sha256.digest(in);
        }
    }

    /**
     * {@code scripts/migrate-to-s3.sh}: the source is SIMPLESTREAMS_DIR, the bucket is configured by the same
     * STORAGE=s3 settings and AWS credentials the replicas use. Exits 1 if any file failed.
     */
    public static void main(String[] args) throws IOException {
        Settings settings = Settings.from(System::getenv);
        if (settings.objectStorage() == null) {
            System.err.println("set STORAGE=s3 and the S3_* settings of the bucket to migrate into");
            System.exit(2);
        }
        Path dir = settings.dataDir();
        try (S3ImageStore bucket = S3ImageStore.connect(settings.objectStorage())) {
            LOG.info("copying the images of " + dir + " into " + bucket.describe());
            Report report = new Migration(new FileSystemStore(new DataRoot(dir)), bucket).run();
            System.out.println("copied " + report.copied() + ", already there and verified " + report.verified()
                    + ", failed " + report.failed().size());
            report.failed().forEach(System.out::println);
            System.exit(report.failed().isEmpty() ? 0 : 1);
        }
    }
}
