package dev.simplestreams.mirror;

import dev.simplestreams.catalog.ContentCheck;
import dev.simplestreams.catalog.ContentException;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StorageFullException;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Downloads one file into a pending (invisible) store file, hashing the bytes as they pass. A connection cut
 * mid-transfer is continued with a Range request into the same pending file and the same digests, so no byte
 * is fetched or read twice. The file is handed back only when its size and sha256 are what the upstream's
 * catalogue promised and a root file or delta passes its {@link ContentCheck}; otherwise it is discarded.
 */
final class Fetcher {

    private static final Logger LOG = Logger.getLogger(Fetcher.class.getName());
    private static final int BUFFER = 256 * 1024;

    private final UpstreamClient client;
    private final ImageStore store;
    private final int attempts;
    private final long retryDelayMillis;

    /**
     * A verified download, not yet visible. {@code state} is the digest of its bytes, not finished, so a
     * metadata tarball's can be continued by its roots; {@code combined} is sha256(prefix + these bytes) when a
     * prefix was given, i.e. the image fingerprint of a root file.
     */
    record Fetched(ImageStore.PendingFile pending, String sha256, MessageDigest state, String combined) {
    }

    Fetcher(UpstreamClient client, ImageStore store, int attempts, long retryDelayMillis) {
        this.client = client;
        this.store = store;
        this.attempts = attempts;
        this.retryDelayMillis = retryDelayMillis;
    }

    /**
     * {@code prefix} (may be null) is the unfinished digest of the version's metadata tarball, continued here
     * into the combined hash; {@code progress} hears every block of bytes written. The caller commits or
     * closes the returned file.
     */
    Fetched fetch(String path, Planner.WantedFile file, MessageDigest prefix, LongConsumer progress)
            throws UpstreamException, IOException, UnsafePathException, InterruptedException {
        ImageStore.PendingFile pending = store.create(path);
        boolean handedOver = false;
        try {
            MessageDigest digest = Sha256.newDigest();
            MessageDigest combined = prefix == null ? null : Sha256.copy(prefix);
            FileKind kind = FileKind.recognise(file.name()).map(FileKind.Recognised::kind).orElse(null);
            ContentCheck check = kind != null && ContentCheck.covers(kind) ? ContentCheck.of(kind) : null;
            long received = 0;
            byte[] buffer = new byte[BUFFER];
            for (int attempt = 1; ; attempt++) {
                try (InputStream in = client.open(file.url(), received)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        if (received + n > file.size()) {
                            throw new UpstreamException(file.url(), "is larger than the " + file.size()
                                    + " bytes the catalogue says");
                        }
                        pending.write(buffer, 0, n);
                        digest.update(buffer, 0, n);
                        if (combined != null) {
                            combined.update(buffer, 0, n);
                        }
                        if (check != null) {
                            check.update(buffer, 0, n);
                        }
                        received += n;
                        progress.accept(n);
                    }
                    break;
                } catch (IOException e) {
                    if (e instanceof StorageFullException) {
                        throw e;
                    }
                    if (attempt >= attempts) {
                        throw new UpstreamException(file.url(), "transfer interrupted " + attempt + " times, last at byte "
                                + received + ": " + UpstreamClient.describe(e));
                    }
                    LOG.info(file.url() + ": transfer interrupted at byte " + received + " ("
                            + UpstreamClient.describe(e) + "); resuming");
                    Thread.sleep(retryDelayMillis);
                }
            }
            // The stream ended cleanly: the upstream sent all it has.
            if (received != file.size()) {
                throw new UpstreamException(file.url(), "served " + received + " bytes, the catalogue says "
                        + file.size() + " (truncated file upstream)");
            }
            MessageDigest state = Sha256.copy(digest);
            String sha256 = Sha256.hex(digest);
            if (!sha256.equals(file.sha256())) {
                throw new UpstreamException(file.url(), "has sha256 " + sha256 + ", the catalogue says "
                        + file.sha256());
            }
            if (check != null) {
                try {
                    check.verify();
                } catch (ContentException e) {
                    throw new UpstreamException(file.url(), "is not a " + file.name() + ": it " + e.getMessage());
                }
            }
            handedOver = true;
            return new Fetched(pending, sha256, state, combined == null ? null : Sha256.hex(combined));
        } finally {
            if (!handedOver) {
                pending.close();
            }
        }
    }
}
