package dev.simplestreams.write;

import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.concurrent.Future;

/**
 * Streams one upload into a pending file and hashes it on the way: sha256 of the file and, for a root file,
 * the image fingerprint sha256(metadata tarball + file) by continuing the metadata tarball's digest.
 * The file is never read back.
 */
final class Ingest {

    /**
     * Each buffer is filled whole before it is handed on: the container hands out a few KiB per read, and a
     * write or digest task per read would cost a system call or a hand-over every few KiB.
     */
    private static final int BUFFER = 256 << 10;
    /** One buffer filled from the socket and written while the digest threads work through the others. */
    private static final int RING = 4;
    /** The users of each buffer besides the file: the two digests and the inspection. */
    private static final int USERS = 3;

    /**
     * {@code combined} is null unless a metadata prefix was given; {@code metadata} is what a tarball's
     * metadata.yaml says, null for other kinds.
     */
    record Digested(long size, String sha256, String combined, ImageMetadata metadata) {
    }

    private Ingest() {
    }

    /**
     * Read failures (a client gone, a multipart size limit), write failures and bytes the {@code inspection}
     * refuses all propagate; the caller closes {@code out}, which discards the partial file.
     * {@code expectedLength} is -1 when unknown.
     */
    static Digested copy(InputStream in, ImageStore.PendingFile out, MessageDigest metadataPrefix, long maxBytes,
            long expectedLength, Inspection inspection) throws IOException, WriteException {
        try (DigestThread sha = new DigestThread(Sha256.newDigest(), "upload-sha256");
                DigestThread combined = metadataPrefix == null ? null
                        : new DigestThread(Sha256.copy(metadataPrefix), "upload-fingerprint")) {
            byte[][] buffers = new byte[RING][BUFFER];
            Future<?>[] handedOver = new Future<?>[RING * USERS];
            long total = 0;
            for (int slot = 0; ; slot = (slot + 1) % RING) {
                awaitAll(handedOver, slot);
                byte[] buffer = buffers[slot];
                int n = in.readNBytes(buffer, 0, BUFFER);
                if (n == 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw WriteException.tooLarge(maxBytes);
                }
                handedOver[slot * USERS] = sha.update(buffer, n);
                handedOver[slot * USERS + 1] = combined == null ? null : combined.update(buffer, n);
                handedOver[slot * USERS + 2] = inspection.update(buffer, n);
                out.write(buffer, 0, n);
            }
            if (expectedLength >= 0 && total != expectedLength) {
                // A container should fail the read instead; if one ever returns end of stream early, a short
                // file must still not be published.
                throw WriteException.invalid("the body ended after " + total + " of the " + expectedLength
                        + " bytes announced; nothing was stored");
            }
            ImageMetadata metadata = inspection.finish();
            return new Digested(total, sha.hex(), combined == null ? null : combined.hex(), metadata);
        }
    }

    /** Waits until the digests and the inspection are done with a slot's buffer, so it can be refilled. */
    private static void awaitAll(Future<?>[] handedOver, int slot) throws IOException {
        for (int i = slot * USERS; i < slot * USERS + USERS; i++) {
            if (handedOver[i] != null) {
                DigestThread.await(handedOver[i]);
            }
        }
    }
}
