package dev.simplestreams.upload;

import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Streams one upload into a pending file and hashes it on the way: sha256 of the file and, for a root file,
 * the image fingerprint sha256(metadata tarball + file) by continuing the metadata tarball's digest.
 * The file is never read back.
 */
final class Ingest {

    private static final int BUFFER = 1 << 20;

    /** {@code combined} is null unless a metadata prefix was given. */
    record Digested(long size, String sha256, String combined) {
    }

    private Ingest() {
    }

    /**
     * Read failures (a client gone, a multipart size limit) and write failures both propagate; the caller
     * closes {@code out}, which discards the partial file. {@code expectedLength} is -1 when unknown.
     */
    static Digested copy(InputStream in, ImageStore.PendingFile out, MessageDigest metadataPrefix, long maxBytes,
            long expectedLength) throws IOException, UploadException {
        MessageDigest sha = Sha256.newDigest();
        MessageDigest combined = metadataPrefix == null ? null : Sha256.copy(metadataPrefix);
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        // Filled whole before it is hashed and written: the container hands out a few KiB per read, and a
        // write per read would cost a system call every few KiB.
        while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new TooLargeException(maxBytes);
            }
            sha.update(buffer, 0, n);
            if (combined != null) {
                combined.update(buffer, 0, n);
            }
            out.write(buffer, 0, n);
        }
        if (expectedLength >= 0 && total != expectedLength) {
            // A container should fail the read instead; if one ever returns end of stream early, a short file
            // must still not be published.
            throw new InvalidUploadException("the body ended after " + total + " of the " + expectedLength
                    + " bytes announced; nothing was stored");
        }
        return new Digested(total, Sha256.hex(sha), combined == null ? null : Sha256.hex(combined));
    }
}
