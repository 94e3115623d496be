package dev.simplestreams.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An upload streaming into the bucket. A file that fits in one part is written with a single PUT at commit. A
 * larger one goes, part by part as the bytes arrive, into a multipart upload of a hidden staging key; the
 * commit completes it and copies it, inside the store, to its name. Readers and listings never see a partial
 * file, and an abandoned upload is aborted.
 *
 * <p>A new name is first claimed: a hidden claim object created with {@code If-None-Match: *}, which of
 * racing replicas exactly one gets. Conditional PUTs are honoured by every S3 store, but Ceph RGW 16 ignores
 * the condition on copies and multipart completions, so the claim, not the final write, decides the winner.
 */
final class S3PendingFile implements ImageStore.PendingFile {

    /** Parts must be at least 5 MiB except the last; 8 MiB keeps the memory per upload small. */
    static final int PART_SIZE = 8 << 20;
    /** CopyObject copies at most 5 GiB; larger objects are copied in ranges of this size. */
    private static final long COPY_PART = 1L << 30;
    private static final long SINGLE_COPY_LIMIT = 5L << 30;
    private static final String SUFFIX = ".upload";
    private static final String CLAIM_SUFFIX = ".claim";
    /** A claim whose writer died before placing the file (kill -9, a lost node) frees the name after this. */
    private static final Duration CLAIM_EXPIRY = Duration.ofMinutes(15);

    private final S3ImageStore store;
    private final S3Client s3;
    private final String path;
    private final String stagingKey;
    private final byte[] buffer = new byte[PART_SIZE];
    private final List<CompletedPart> parts = new ArrayList<>();
    private int filled;
    private long size;
    private String uploadId;
    /** The multipart upload was completed into the staging object. */
    private boolean completed;
    /** The staging object exists (completed and not yet copied to its name and removed). */
    private boolean staged;
    private boolean committed;

    S3PendingFile(S3ImageStore store, String path) {
        this.store = store;
        this.s3 = store.client();
        this.path = path;
        String name = path.substring(path.lastIndexOf('/') + 1);
        this.stagingKey = store.key(path.substring(0, path.lastIndexOf('/') + 1) + "." + name + "."
                + UUID.randomUUID() + SUFFIX);
    }

    static boolean isStagingName(String name) {
        return name.startsWith(".") && name.endsWith(SUFFIX);
    }

    /** The hidden object that marks {@code path} as taken. */
    static String claimPath(String path) {
        int slash = path.lastIndexOf('/');
        return path.substring(0, slash + 1) + "." + path.substring(slash + 1) + CLAIM_SUFFIX;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, PART_SIZE - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            offset += n;
            length -= n;
            size += n;
            if (filled == PART_SIZE) {
                uploadPart();
            }
        }
    }

    @Override
    public StoredFile commit(boolean replace) throws IOException, FileExistsException {
        return place(path, replace);
    }

    @Override
    public StoredFile commitAs(String name) throws IOException, UnsafePathException, FileExistsException {
        if (name.contains("/")) {
            throw new UnsafePathException("'" + name + "' is not a plain file name");
        }
        String sibling = path.substring(0, path.lastIndexOf('/') + 1) + name;
        DataRoot.check(sibling);
        return place(sibling, false);
    }

    /** Aborts the multipart upload or removes the staged object, unless the bytes were committed. */
    @Override
    public void close() throws IOException {
        try {
            if (uploadId != null && !completed) {
                String id = uploadId;
                s3.abortMultipartUpload(r -> r.bucket(store.bucket()).key(stagingKey).uploadId(id));
            } else if (staged) {
                s3.deleteObject(r -> r.bucket(store.bucket()).key(stagingKey));
            }
        } catch (SdkException e) {
            // Left for removeAbandonedUploads; the bytes were never visible.
            throw S3ImageStore.failure("discarding the upload of " + path, e);
        }
    }

    private StoredFile place(String target, boolean replace) throws IOException, FileExistsException {
        if (committed) {
            throw new IllegalStateException(path + " was already committed");
        }
        String key = store.key(target);
        if (uploadId != null) {
            stage();
        }
        if (!replace) {
            claim(target);
        }
        try {
            if (uploadId == null) {
                byte[] content = Arrays.copyOf(buffer, filled);
                if (replace) {
                    put(key, content);
                } else if (store.put(key, content, null).isEmpty()) {
                    throw new FileExistsException(target);
                }
            } else {
                copy(key, replace, target);
            }
        } catch (IOException | FileExistsException e) {
            if (!replace) {
                store.deleteKey(store.key(claimPath(target)));
            }
            throw e;
        }
        committed = true;
        Optional<StoredFile> placed = store.head(key)
                .map(h -> new StoredFile(target, h.contentLength(), S3ImageStore.seconds(h.lastModified())));
        return placed.orElseThrow(() -> new IOException(target + " vanished right after it was written"));
    }

    private void claim(String target) throws IOException, FileExistsException {
        String claimKey = store.key(claimPath(target));
        byte[] note = (path + " at " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        if (store.head(store.key(target)).isPresent()) {
            throw new FileExistsException(target);
        }
        if (store.put(claimKey, note, null).isPresent()) {
            return;
        }
        Optional<HeadObjectResponse> claim = store.head(claimKey);
        if (claim.isPresent() && claim.get().lastModified().isBefore(Instant.now().minus(CLAIM_EXPIRY))
                && store.head(store.key(target)).isEmpty()
                && store.put(claimKey, note, claim.get().eTag().replace("\"", "")).isPresent()) {
            return;
        }
        throw new FileExistsException(target);
    }

    private void put(String key, byte[] content) throws IOException {
        try {
            s3.putObject(r -> r.bucket(store.bucket()).key(key), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw classify(e);
        }
    }

    private void uploadPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(store.bucket()).key(stagingKey)).uploadId();
            }
            int number = parts.size() + 1;
            String etag = s3.uploadPart(r -> r.bucket(store.bucket()).key(stagingKey).uploadId(uploadId)
                    .partNumber(number).contentLength((long) filled),
                    RequestBody.fromBytes(Arrays.copyOf(buffer, filled))).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            filled = 0;
        } catch (SdkException e) {
            throw classify(e);
        }
    }

    /** Completes the multipart upload into the hidden staging object; may run once only. */
    private void stage() throws IOException {
        if (completed) {
            return;
        }
        if (filled > 0) {
            uploadPart();
        }
        try {
            List<CompletedPart> all = List.copyOf(parts);
            s3.completeMultipartUpload(r -> r.bucket(store.bucket()).key(stagingKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(all)));
            completed = true;
            staged = true;
        } catch (SdkException e) {
            throw classify(e);
        }
    }

    private void copy(String key, boolean replace, String target) throws IOException, FileExistsException {
        String condition = replace ? null : "*";
        try {
            if (size <= SINGLE_COPY_LIMIT) {
                s3.copyObject(r -> r.sourceBucket(store.bucket()).sourceKey(stagingKey)
                        .destinationBucket(store.bucket()).destinationKey(key).ifNoneMatch(condition));
            } else {
                copyInRanges(key, condition);
            }
        } catch (S3Exception e) {
            if (!replace && S3ImageStore.isConflict(e)) {
                throw new FileExistsException(target);
            }
            throw classify(e);
        } catch (SdkException e) {
            throw classify(e);
        }
        s3.deleteObject(r -> r.bucket(store.bucket()).key(stagingKey));
        staged = false;
    }

    private void copyInRanges(String key, String condition) {
        String id = s3.createMultipartUpload(r -> r.bucket(store.bucket()).key(key)).uploadId();
        List<CompletedPart> copied = new ArrayList<>();
        try {
            for (long start = 0; start < size; start += COPY_PART) {
                int number = copied.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(size, start + COPY_PART) - 1);
                String etag = s3.uploadPartCopy(r -> r.sourceBucket(store.bucket()).sourceKey(stagingKey)
                        .destinationBucket(store.bucket()).destinationKey(key).uploadId(id).partNumber(number)
                        .copySourceRange(range)).copyPartResult().eTag();
                copied.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(store.bucket()).key(key).uploadId(id).ifNoneMatch(condition)
                    .multipartUpload(m -> m.parts(copied)));
        } catch (SdkException e) {
            s3.abortMultipartUpload(r -> r.bucket(store.bucket()).key(key).uploadId(id));
            throw e;
        }
    }

    /** A bucket quota refuses writes with QuotaExceeded: the same answer as a full volume. */
    private IOException classify(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null
                && "QuotaExceeded".equals(s3e.awsErrorDetails().errorCode())) {
            return new StorageFullException(path, S3ImageStore.failure("writing " + path, e));
        }
        return S3ImageStore.failure("writing " + path, e);
    }
}
