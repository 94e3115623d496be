package dev.simplestreams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** STORAGE and the S3 settings: the filesystem stays the default, and every mistake is named with its fix. */
class ObjectStorageSettingsTest {

    private static Settings from(Map<String, String> env) {
        return Settings.from(env::get);
    }

    @Test
    void theFilesystemIsTheDefault() {
        assertNull(from(Map.of()).objectStorage());
        assertNull(from(Map.of("STORAGE", "filesystem", "S3_BUCKET", "ignored")).objectStorage());
    }

    @Test
    void aBucketIsConfiguredByEnvironmentAlone() {
        ObjectStorage s3 = from(Map.of("STORAGE", "S3", "S3_ENDPOINT", "http://127.0.0.1:7480", "S3_BUCKET", "images",
                "S3_PREFIX", "simplestreams/", "S3_PATH_STYLE", "1", "DOWNLOAD_BASE_URL", "https://cdn.example",
                "LEADER_ELECTION", "kubernetes", "LEASE_SECONDS", "10", "REPLICA_ID", "pod-0")).objectStorage();
        assertEquals(URI.create("http://127.0.0.1:7480"), s3.endpoint());
        assertEquals("us-east-1", s3.region());
        assertEquals("images", s3.bucket());
        assertEquals("simplestreams/", s3.prefix());
        assertTrue(s3.pathStyle());
        assertEquals(URI.create("https://cdn.example/"), s3.publicBaseUrl());
        assertEquals(Duration.ofSeconds(300), s3.presignValidity());
        assertEquals(ObjectStorage.Election.KUBERNETES, s3.election());
        assertEquals(Duration.ofSeconds(10), s3.leaseDuration());
        assertEquals("pod-0", s3.replicaId());
        assertEquals(ObjectStorage.Election.OBJECT_STORE,
                from(Map.of("STORAGE", "s3", "S3_BUCKET", "b")).objectStorage().election());
    }

    @Test
    void mistakesAreNamedWithTheirFix() {
        assertMessage(Map.of("STORAGE", "nfs"), "STORAGE='nfs' is not known; use filesystem or s3");
        assertMessage(Map.of("STORAGE", "s3"), "STORAGE=s3 needs S3_BUCKET");
        assertMessage(Map.of("STORAGE", "s3", "S3_BUCKET", "b", "S3_PREFIX", "x"), "S3_PREFIX='x' must end with '/'");
        assertMessage(Map.of("STORAGE", "s3", "S3_BUCKET", "b", "S3_ENDPOINT", "rgw:7480"),
                "S3_ENDPOINT='rgw:7480' is not an absolute URL");
        assertMessage(Map.of("STORAGE", "s3", "S3_BUCKET", "b", "LEADER_ELECTION", "etcd"),
                "LEADER_ELECTION='etcd' is not known");
        assertMessage(Map.of("STORAGE", "s3", "S3_BUCKET", "b", "LEASE_SECONDS", "1"), "LEASE_SECONDS at least 3");
    }

    private static void assertMessage(Map<String, String> env, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
