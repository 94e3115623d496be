package dev.simplestreams.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * STORAGE=s3: the bucket every replica shares, and how the replicas agree on which of them indexes.
 * Credentials are not here: the AWS SDK reads them from its standard chain (environment, profile, web
 * identity, instance role), so they never pass through the server's settings or logs.
 *
 * @param endpoint        S3_ENDPOINT: the S3 API's URL (Ceph RGW, MinIO, ...); null for AWS itself
 * @param region          S3_REGION: the signing region
 * @param bucket          S3_BUCKET: the bucket, which must exist
 * @param prefix          S3_PREFIX: a key prefix ending in '/', or empty: the data root inside the bucket
 * @param pathStyle       S3_PATH_STYLE: address the bucket in the path, not the host name (most non-AWS stores)
 * @param publicBaseUrl   DOWNLOAD_BASE_URL: image downloads redirect here (a CDN, a public bucket) instead of to
 *                        a presigned URL; null to presign
 * @param presignValidity PRESIGN_SECONDS: how long a download redirect stays valid
 * @param election        LEADER_ELECTION: how replicas choose the one that indexes
 * @param leaseName       LEASE_NAME: the Kubernetes Lease the replicas contend for (LEADER_ELECTION=kubernetes)
 * @param leaseDuration   LEASE_SECONDS: a leader that stops renewing is replaced after this long
 * @param replicaId       REPLICA_ID: this replica's name in the lease and the status document
 */
public record ObjectStorage(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
        URI publicBaseUrl, Duration presignValidity, Election election, String leaseName, Duration leaseDuration,
        String replicaId) {

    public static final String DEFAULT_LEASE_NAME = "simplestreams-indexer";

    /** LEADER_ELECTION: a lease object in the bucket, or the orchestrator's own lease. */
    public enum Election {
        OBJECT_STORE, KUBERNETES;

        static Election parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "object-store" -> OBJECT_STORE;
                case "kubernetes" -> KUBERNETES;
                default -> throw new IllegalArgumentException("LEADER_ELECTION='" + value
                        + "' is not known; use object-store (a lease object in the bucket) or kubernetes (a Lease)");
            };
        }
    }

    public ObjectStorage {
        if (bucket == null) {
            throw new IllegalArgumentException("STORAGE=s3 needs S3_BUCKET (the bucket, which must exist)");
        }
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
            throw new IllegalArgumentException("S3_PREFIX='" + prefix + "' must end with '/' and not start with it, "
                    + "e.g. simplestreams/");
        }
        if (presignValidity.isZero() || leaseDuration.getSeconds() < 3) {
            throw new IllegalArgumentException("PRESIGN_SECONDS must be positive and LEASE_SECONDS at least 3");
        }
    }
}
