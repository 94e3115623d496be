package dev.simplestreams.store;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.config.ObjectStorage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The data root as a key prefix in an S3 bucket shared by several replicas. Image objects are immutable once
 * published: they are created with {@code If-None-Match: *}, so of two racing writers exactly one wins. The
 * catalogue documents are written with {@code If-Match} on the version this replica last read or wrote, so a
 * replica working from an old view is refused ({@link StaleWriteException}) instead of overwriting a newer
 * catalogue. State lives under {@code .state/} in the same prefix.
 *
 * <p>Modification times are kept to whole seconds: listings carry milliseconds but HEAD answers only seconds,
 * and the hash cache must recognise a file the same way from both.
 *
 * <p>Longer than 300 lines: the whole ImageStore contract over S3's conditional requests (uploads: S3PendingFile).
 */
public final class S3ImageStore implements ImageStore, ConditionalState, AutoCloseable {

    static final String STATE = ".state/";
    /** S3 wants the ETag of a condition bare; RGW refuses a quoted one. */
    private static final String ANY = "*";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final URI publicBaseUrl;
    private final Duration presignValidity;
    private final String replicaId;
    /** The ETag of each published document as this replica last read or wrote it: what publish writes over. */
    private final Map<String, String> publishedTags = new ConcurrentHashMap<>();

    S3ImageStore(S3Client s3, S3Presigner presigner, ObjectStorage settings) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = settings.bucket();
        this.prefix = settings.prefix();
        this.publicBaseUrl = settings.publicBaseUrl();
        this.presignValidity = settings.presignValidity();
        this.replicaId = settings.replicaId();
    }

    /** Credentials come from the SDK's default chain (environment, profile, web identity, instance role). */
    public static S3ImageStore connect(ObjectStorage settings) {
        return connect(settings, DefaultCredentialsProvider.builder().build());
    }

    public static S3ImageStore connect(ObjectStorage settings, AwsCredentialsProvider credentials) {
        S3ClientBuilder client = S3Client.builder()
                .credentialsProvider(credentials)
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // Flexible checksums are AWS-only so far: Ceph RGW answers 400 to them.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        S3Presigner.Builder presigner = S3Presigner.builder()
                .credentialsProvider(credentials)
                .region(Region.of(settings.region()))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            client.endpointOverride(settings.endpoint());
            presigner.endpointOverride(settings.endpoint());
        }
        return new S3ImageStore(client.build(), presigner.build(), settings);
    }

    /** Stops the HTTP client's threads with the web application. */
    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    /** For the status document and log lines. */
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public List<StoredFile> list(String directory) throws IOException {
        String dirKey = key(checked(directory)) + "/";
        List<StoredFile> files = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(dirKey)).contents()) {
                String relative = object.key().substring(prefix.length());
                if (isVisible(relative.substring(directory.length() + 1))) {
                    files.add(new StoredFile(relative, object.size(), seconds(object.lastModified())));
                }
            }
        } catch (SdkException e) {
            throw failure("listing " + directory, e);
        }
        // Keys come back in byte order, which is the order the filesystem store gives as well.
        return files;
    }

    @Override
    public Optional<StoredFile> stat(String path) throws IOException, UnsafePathException {
        Optional<HeadObjectResponse> head = head(key(safe(path)));
        return head.map(h -> new StoredFile(path, h.contentLength(), seconds(h.lastModified())));
    }

    @Override
    public InputStream open(String path) throws IOException, UnsafePathException {
        String key = key(safe(path));
        try {
            return s3.getObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(path);
        } catch (SdkException e) {
            throw failure("reading " + path, e);
        }
    }

    @Override
    public PendingFile create(String path) throws IOException, UnsafePathException {
        return new S3PendingFile(this, safe(path));
    }

    @Override
    public boolean delete(String path) throws IOException, UnsafePathException {
        String key = key(safe(path));
        try {
            if (head(key).isPresent()) {
                s3.deleteObject(r -> r.bucket(bucket).key(key));
                deleteKey(key(S3PendingFile.claimPath(path)));
                return true;
            }
            List<ObjectIdentifier> batch = new ArrayList<>();
            boolean any = false;
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(key + "/")).contents()) {
                batch.add(ObjectIdentifier.builder().key(object.key()).build());
                any = true;
                if (batch.size() == 1000) {
                    deleteBatch(batch);
                }
            }
            deleteBatch(batch);
            return any;
        } catch (SdkException e) {
            throw failure("deleting " + path, e);
        }
    }

    private void deleteBatch(List<ObjectIdentifier> batch) {
        if (!batch.isEmpty()) {
            List<ObjectIdentifier> keys = List.copyOf(batch);
            s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(keys).quiet(true)));
            batch.clear();
        }
    }

    @Override
    public void publish(String path, byte[] content) throws IOException {
        String known = publishedTags.get(path);
        Optional<String> written = put(key(checked(path)), content, known);
        if (written.isEmpty()) {
            // Learn what is there now, so the retry after a fresh look at the tree can write over it.
            publishedTags.remove(path);
            head(key(path)).ifPresent(h -> publishedTags.put(path, bare(h.eTag())));
            throw new StaleWriteException(path);
        }
        publishedTags.put(path, written.get());
    }

    @Override
    public Optional<Tagged> readIfChanged(String path, String knownTag) throws IOException {
        Optional<Tagged> read = get(key(checked(path)), knownTag);
        read.ifPresent(t -> publishedTags.put(path, t.tag()));
        return read;
    }

    @Override
    public Optional<URI> downloadUrl(String path) throws UnsafePathException {
        String key = key(safe(path));
        if (publicBaseUrl != null) {
            return Optional.of(publicBaseUrl.resolve(encode(path)));
        }
        return Optional.of(URI.create(presigner.presignGetObject(r -> r.signatureDuration(presignValidity)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString()));
    }

    @Override
    public Optional<byte[]> readState(String name) throws IOException {
        return get(stateKey(name), null).map(Tagged::content);
    }

    @Override
    public void writeState(String name, byte[] content) throws IOException {
        try {
            s3.putObject(r -> r.bucket(bucket).key(stateKey(name)), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("writing state " + name, e);
        }
    }

    @Override
    public List<String> listState(String namePrefix) throws IOException {
        String start = stateKey(namePrefix);
        List<String> names = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(start)).contents()) {
                names.add(object.key().substring(prefix.length() + STATE.length()));
            }
        } catch (SdkException e) {
            throw failure("listing state " + namePrefix, e);
        }
        return names;
    }

    @Override
    public void deleteState(String name) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(stateKey(name)));
        } catch (SdkException e) {
            throw failure("deleting state " + name, e);
        }
    }

    @Override
    public Optional<Tagged> readTagged(String name) throws IOException {
        return get(stateKey(name), null);
    }

    @Override
    public Optional<String> swap(String name, byte[] content, String expectedTag) throws IOException {
        return put(stateKey(name), content, expectedTag);
    }

    /** A probe object per replica, overwritten each time: proves credentials, bucket and quota allow writes. */
    @Override
    public boolean isWritable() {
        try {
            s3.putObject(r -> r.bucket(bucket).key(stateKey("probe/" + replicaId)), RequestBody.fromBytes(new byte[] {1}));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    /**
     * Multipart uploads a crash left open (their parts cost storage but were never visible), and staged
     * uploads whose final copy never happened.
     */
    @Override
    public int removeAbandonedUploads(Duration olderThan) throws IOException {
        Instant before = Instant.now().minus(olderThan);
        int removed = 0;
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(prefix))
                    .uploads()) {
                if (upload.initiated().isBefore(before)) {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                    removed++;
                }
            }
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(key(Layout.IMAGES) + "/"))
                    .contents()) {
                String name = object.key().substring(object.key().lastIndexOf('/') + 1);
                if (S3PendingFile.isStagingName(name) && object.lastModified().isBefore(before)) {
                    s3.deleteObject(r -> r.bucket(bucket).key(object.key()));
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw failure("removing abandoned uploads", e);
        }
        return removed;
    }

    void deleteKey(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw failure("deleting " + key, e);
        }
    }

    S3Client client() {
        return s3;
    }

    String bucket() {
        return bucket;
    }

    String key(String relative) {
        return prefix + relative;
    }

    Optional<HeadObjectResponse> head(String key) throws IOException {
        try {
            return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("looking at " + key, e);
        } catch (SdkException e) {
            throw failure("looking at " + key, e);
        }
    }

    /** Empty when the object is absent, or unchanged from {@code knownTag}. */
    private Optional<Tagged> get(String key, String knownTag) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)
                    .ifNoneMatch(knownTag));
            return Optional.of(new Tagged(bytes.asByteArray(), bare(bytes.response().eTag())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 304 || e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("reading " + key, e);
        } catch (SdkException e) {
            throw failure("reading " + key, e);
        }
    }

    /** A conditional PUT: over {@code expectedTag}, or only where nothing is when it is null. */
    Optional<String> put(String key, byte[] content, String expectedTag) throws IOException {
        try {
            return Optional.of(bare(s3.putObject(r -> r.bucket(bucket).key(key)
                    .ifMatch(expectedTag).ifNoneMatch(expectedTag == null ? ANY : null),
                    RequestBody.fromBytes(content)).eTag()));
        } catch (S3Exception e) {
            if (isConflict(e)) {
                return Optional.empty();
            }
            throw failure("writing " + key, e);
        } catch (SdkException e) {
            throw failure("writing " + key, e);
        }
    }

    /** 412: the condition failed; 409: AWS's answer to a conditional write racing another on the same key. */
    static boolean isConflict(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    static IOException failure(String what, SdkException e) {
        return new IOException(what + " in the bucket failed: " + e.getMessage(), e);
    }

    static long seconds(Instant instant) {
        return instant.getEpochSecond() * 1000;
    }

    private static String bare(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    private String stateKey(String name) {
        return prefix + STATE + name;
    }

    /** The same rules as the filesystem store's, so a path valid in one is valid in the other. */
    private static String safe(String path) throws UnsafePathException {
        DataRoot.check(path);
        return path;
    }

    /** For paths the server makes itself (directories to list, catalogue documents). */
    private static String checked(String path) {
        try {
            return safe(path);
        } catch (UnsafePathException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static boolean isVisible(String below) {
        for (String segment : below.split("/")) {
            if (Layout.isIgnoredName(segment)) {
                return false;
            }
        }
        return true;
    }

    private static String encode(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/")) {
            if (encoded.length() > 0) {
                encoded.append('/');
            }
            encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return encoded.toString();
    }
}
