package dev.simplestreams.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The server's configuration. Each setting is read by name from a lookup (the servlet context's init
 * parameters, then the environment), so a stock Tomcat needs nothing but environment variables.
 *
 * @param dataDir          SIMPLESTREAMS_DIR: the data root holding images/ and streams/v1/
 * @param debug            DEBUG: non-empty for verbose logs
 * @param allowOverwrites  ALLOW_OVERWRITES: non-empty lets an upload replace an existing file
 * @param allowDeletes     ALLOW_DELETES: non-empty enables HTTP DELETE
 * @param quietPeriod      INDEX_QUIET_MS: how long a directory must be still before it is read
 * @param rescanInterval   RESCAN_INTERVAL_SECONDS: full rescan period, for volumes without file events
 * @param writeAuth        WRITE_AUTH: basic (default), container or off; see {@link WriteAuth}
 * @param uploadUser       UPLOAD_USER: the uploader's name for WRITE_AUTH=basic; null when unset
 * @param uploadPassword   UPLOAD_PASSWORD: the uploader's password for WRITE_AUTH=basic; null when unset
 * @param maxUploadBytes   MAX_UPLOAD_BYTES: the largest request body an upload may have
 * @param keepVersions     KEEP_VERSIONS: newest versions kept per product; 0 (default) keeps all
 * @param retentionGrace   RETENTION_GRACE_MINUTES: how long a version left out by KEEP_VERSIONS stays
 *                         downloadable before its files are deleted; longer than the clients' one-hour cache
 * @param conflictRetention CONFLICT_RETENTION_DAYS: how long an upload stored aside as {@code *.conflict-*}
 *                         (ALLOW_OVERWRITES off) is kept before it is deleted
 * @param publicUrl        PUBLIC_URL: the address lxc and incus should use ({@code https://host[:port]}), shown in
 *                         the page's commands; null: the address the page was opened at
 * @param metrics          METRICS: {@code off} (or {@code false}, {@code 0}) answers /metrics with 404; on by default
 * @param mirrorConfig     MIRROR_CONFIG: the mirror's configuration file (remotes and filters); null: no mirroring
 * @param mirrorInterval   MIRROR_INTERVAL_MINUTES: time between syncs of the mirror's remotes
 * @param objectStorage    STORAGE=s3 and its settings; null for STORAGE=filesystem (the default), where the data
 *                         root is SIMPLESTREAMS_DIR
 * @param loginFailuresAllowed LOGIN_FAILURES_ALLOWED: failed logins in a row that lock a user or an address out;
 *                         0 turns lock-outs off
 * @param loginLockOutTime LOGIN_LOCKOUT_SECONDS: how long such a lock-out lasts
 * @param auditFileBytes   AUDIT_FILE_BYTES: the size at which the audit trail begins a new file
 * @param auditFiles       AUDIT_FILES: audit files kept; the oldest are deleted beyond
 * @param accessFile       ACCESS_FILE: users, writers' scopes and private views (JSON); null: none
 * @param catalogSplitBytes CATALOG_SPLIT_BYTES: the catalogue size above which it is published as several products
 *                         documents, so that a change rewrites one of about this size instead of all of it
 */
public record Settings(Path dataDir, boolean debug, boolean allowOverwrites, boolean allowDeletes,
        Duration quietPeriod, Duration rescanInterval, WriteAuth writeAuth, String uploadUser,
        String uploadPassword, long maxUploadBytes, int keepVersions, Duration retentionGrace,
        Duration conflictRetention, String publicUrl, boolean metrics,
        Path mirrorConfig, Duration mirrorInterval, ObjectStorage objectStorage,
        int loginFailuresAllowed, Duration loginLockOutTime, long auditFileBytes, int auditFiles,
        Path accessFile, long catalogSplitBytes) {

    public static final String DEFAULT_DATA_DIR = "/var/www/simplestreams";
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L << 30;
    public static final long DEFAULT_CATALOG_SPLIT_BYTES = 1L << 20;

    public Settings {
        if ((uploadUser == null) != (uploadPassword == null)) {
            throw new IllegalArgumentException("set both UPLOAD_USER and UPLOAD_PASSWORD, or neither");
        }
        if (uploadUser != null && uploadUser.contains(":")) {
            throw new IllegalArgumentException("UPLOAD_USER must not contain ':' (HTTP Basic cannot send it)");
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("MAX_UPLOAD_BYTES must be a positive number of bytes");
        }
        if (catalogSplitBytes <= 0) {
            throw new IllegalArgumentException("CATALOG_SPLIT_BYTES must be a positive number of bytes");
        }
        if (mirrorInterval.isZero()) {
            throw new IllegalArgumentException("MIRROR_INTERVAL_MINUTES must be at least 1");
        }
    }

    public static Settings from(UnaryOperator<String> lookup) {
        return new Settings(
                Path.of(text(lookup, "SIMPLESTREAMS_DIR", DEFAULT_DATA_DIR)),
                flag(lookup, "DEBUG"),
                flag(lookup, "ALLOW_OVERWRITES"),
                flag(lookup, "ALLOW_DELETES"),
                Duration.ofMillis(number(lookup, "INDEX_QUIET_MS", 1000)),
                Duration.ofSeconds(number(lookup, "RESCAN_INTERVAL_SECONDS", 300)),
                WriteAuth.parse(text(lookup, "WRITE_AUTH", "basic")),
                text(lookup, "UPLOAD_USER", null),
                secret(lookup, "UPLOAD_PASSWORD"),
                number(lookup, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
                (int) Math.min(Integer.MAX_VALUE, number(lookup, "KEEP_VERSIONS", 0)),
                Duration.ofMinutes(number(lookup, "RETENTION_GRACE_MINUTES", 120)),
                Duration.ofDays(number(lookup, "CONFLICT_RETENTION_DAYS", 7)),
                text(lookup, "PUBLIC_URL", null),
                onUnlessOff(lookup, "METRICS"),
                Optional.ofNullable(text(lookup, "MIRROR_CONFIG", null)).map(Path::of).orElse(null),
                Duration.ofMinutes(number(lookup, "MIRROR_INTERVAL_MINUTES", 60)),
                objectStorage(lookup),
                (int) Math.min(Integer.MAX_VALUE, number(lookup, "LOGIN_FAILURES_ALLOWED", 5)),
                Duration.ofSeconds(number(lookup, "LOGIN_LOCKOUT_SECONDS", 300)),
                number(lookup, "AUDIT_FILE_BYTES", 10L << 20),
                (int) Math.min(Integer.MAX_VALUE, number(lookup, "AUDIT_FILES", 10)),
                Optional.ofNullable(text(lookup, "ACCESS_FILE", null)).map(Path::of).orElse(null),
                number(lookup, "CATALOG_SPLIT_BYTES", DEFAULT_CATALOG_SPLIT_BYTES));
    }

    private static ObjectStorage objectStorage(UnaryOperator<String> lookup) {
        String storage = text(lookup, "STORAGE", "filesystem").toLowerCase(Locale.ROOT);
        switch (storage) {
            case "filesystem":
                return null;
            case "s3":
                break;
            default:
                throw new IllegalArgumentException("STORAGE='" + storage + "' is not known; use filesystem or s3");
        }
        String endpoint = text(lookup, "S3_ENDPOINT", null);
        String publicBase = text(lookup, "DOWNLOAD_BASE_URL", null);
        return new ObjectStorage(endpoint == null ? null : uri("S3_ENDPOINT", endpoint),
                text(lookup, "S3_REGION", "us-east-1"),
                text(lookup, "S3_BUCKET", null),
                text(lookup, "S3_PREFIX", ""),
                flag(lookup, "S3_PATH_STYLE"),
                publicBase == null ? null : uri("DOWNLOAD_BASE_URL", publicBase.endsWith("/") ? publicBase
                        : publicBase + "/"),
                Duration.ofSeconds(number(lookup, "PRESIGN_SECONDS", 300)),
                ObjectStorage.Election.parse(text(lookup, "LEADER_ELECTION", "object-store")),
                text(lookup, "LEASE_NAME", ObjectStorage.DEFAULT_LEASE_NAME),
                Duration.ofSeconds(number(lookup, "LEASE_SECONDS", 15)),
                text(lookup, "REPLICA_ID", defaultReplicaId()));
    }

    private static URI uri(String name, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value, "no scheme or host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not an absolute URL such as "
                    + "http://127.0.0.1:7480");
        }
    }

    /** The pod name in Kubernetes (HOSTNAME), else the host name with a random suffix. */
    private static String defaultReplicaId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "replica";
            }
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public boolean hasUploader() {
        return uploadUser != null;
    }

    /** The password stays out of logs and error pages that print the settings. */
    @Override
    public String toString() {
        return "Settings[dataDir=" + dataDir + ", debug=" + debug + ", allowOverwrites=" + allowOverwrites
                + ", allowDeletes=" + allowDeletes + ", quietPeriod=" + quietPeriod + ", rescanInterval="
                + rescanInterval + ", writeAuth=" + writeAuth + ", uploadUser=" + uploadUser + ", uploadPassword="
                + (uploadPassword == null ? null : "***") + ", maxUploadBytes=" + maxUploadBytes + ", keepVersions="
                + keepVersions + ", retentionGrace=" + retentionGrace + ", conflictRetention=" + conflictRetention
                + ", publicUrl=" + publicUrl + ", metrics=" + metrics + ", mirrorConfig="
                + mirrorConfig + ", mirrorInterval=" + mirrorInterval + ", objectStorage=" + objectStorage
                + ", loginFailuresAllowed=" + loginFailuresAllowed + ", loginLockOutTime=" + loginLockOutTime
                + ", auditFileBytes=" + auditFileBytes + ", auditFiles=" + auditFiles
                + ", accessFile=" + accessFile + "]";
    }

    /** Taken as given: spaces at either end may be part of a password. */
    private static String secret(UnaryOperator<String> lookup, String name) {
        String value = lookup.apply(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** The seed's convention: any non-empty value turns a switch on. */
    private static boolean flag(UnaryOperator<String> lookup, String name) {
        String value = lookup.apply(name);
        return value != null && !value.isEmpty();
    }

    /** A switch that is on by default: {@code off}, {@code false}, {@code no} or {@code 0} turn it off. */
    static boolean onUnlessOff(UnaryOperator<String> lookup, String name) {
        String value = text(lookup, name, "on").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "off", "false", "no", "0" -> false;
            case "on", "true", "yes", "1" -> true;
            default -> throw new IllegalArgumentException(name + "='" + value + "' is neither on nor off");
        };
    }

    private static String text(UnaryOperator<String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static long number(UnaryOperator<String> lookup, String name, long fallback) {
        String value = text(lookup, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a non-negative whole number");
        }
    }
}
