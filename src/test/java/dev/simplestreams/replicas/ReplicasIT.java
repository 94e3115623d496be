package dev.simplestreams.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.access.PasswordHashes;
import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.testing.CephRgw;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.LxdDaemon;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.TestCa;
import dev.simplestreams.web.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two stock Tomcat processes running the WAR against one bucket of a real Ceph RGW, the object-store lease
 * deciding which of them indexes: an upload through either is in both catalogues within seconds, downloads
 * redirect to presigned URLs that serve the exact bytes, racing uploads through both lose nothing, after
 * kill -9 of the indexing replica the other takes over within the lease time with every acknowledged upload,
 * and every replica keeps a private view's images to its reader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final String AUTH = "Basic "
            + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    private static final String READER = "Basic "
            + Base64.getEncoder().encodeToString("reader:r-secret".getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static Map<String, String> environment;
    private static final List<StockTomcat> replicas = new ArrayList<>();
    private static int versionCounter;
    /** Every file an upload was answered 2xx for, through either replica. */
    private static final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        CephRgw rgw = CephRgw.shared();
        work = Files.createTempDirectory(Path.of("/tmp"), "replicas");
        environment = new HashMap<>(rgw.serverEnvironment(rgw.createBucket("replicas")));
        environment.put("UPLOAD_USER", "u");
        environment.put("UPLOAD_PASSWORD", "p");
        environment.put("LEASE_SECONDS", Long.toString(LEASE.toSeconds()));
        // One private view, which every replica must enforce alike; the other products stay public.
        Path access = work.resolve("access.json");
        Files.writeString(access, JSON.writeValueAsString(Map.of(
                "users", Map.of("reader", Map.of("password_hash", PasswordHashes.hash("r-secret"))),
                "views", Map.of("team", Map.of("users", List.of("reader"), "under", List.of("images/team/"))))));
        environment.put("ACCESS_FILE", access.toString());
        replicas.add(replica("a"));
        replicas.add(replica("b"));
        for (StockTomcat replica : replicas) {
            replica.awaitBody("/readyz", body -> true, Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(StockTomcat::close);
    }

    private static StockTomcat replica(String name) throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        env.put("REPLICA_ID", name);
        return StockTomcat.start(Files.createDirectories(work.resolve(name + "-" + System.nanoTime())), env);
    }

    @Test
    @Order(1)
    void anUploadThroughOneIsDownloadedThroughTheOther() throws Exception {
        StockTomcat follower = follower();
        StockTomcat leader = leader();
        for (StockTomcat[] pair : new StockTomcat[][] {{follower, leader}, {leader, follower}}) {
            String version = nextVersion();
            byte[] rootfs = TestImages.rootfs(12 << 20);
            long started = System.nanoTime();
            upload(pair[0], version, rootfs);
            long answered = System.nanoTime();
            pair[1].awaitBody("/streams/v1/images.json",
                    body -> body.contains(version.substring(version.lastIndexOf('/') + 1)), Duration.ofSeconds(10));
            System.out.printf("upload (metadata, then 12 MiB rootfs) through %s answered after %d ms, visible through "
                    + "%s %d ms after the answer%n", role(pair[0]), (answered - started) / 1_000_000, role(pair[1]),
                    (System.nanoTime() - answered) / 1_000_000);

            URI file = pair[1].uri("/" + version + "/rootfs.squashfs");
            HttpResponse<Void> redirect = HTTP.send(HttpRequest.newBuilder(file).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(302, redirect.statusCode(), "a download is redirected to the bucket");
            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertTrue(location.contains("X-Amz-Signature="), "a presigned URL: " + location);
            HttpResponse<byte[]> bytes = HTTP.send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, bytes.statusCode());
            assertEquals(Digests.sha256(rootfs), Digests.sha256(bytes.body()), "the exact bytes uploaded");

            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(file).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(200, head.statusCode(), "HEAD is answered by the server itself");
            assertEquals(rootfs.length, head.headers().firstValueAsLong("Content-Length").orElseThrow());
            HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(pair[1].uri("/" + version + "/disk.qcow2"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode(), missing.body());
        }
        assertEquals(body(leader, "/streams/v1/index.json"), body(follower, "/streams/v1/index.json"),
                "both replicas serve the same index.json");
        for (StockTomcat replica : List.of(leader, follower)) {
            assertTrue(body(replica, "/metrics").contains("simplestreams_downloads_total{status=\"302\"} 1.0"),
                    "a redirect to the bucket counts as a download");
        }

        // A follower's answer explains what the leader left out, as a single server's would.
        String incomplete = nextVersion() + "/lxd.tar.xz";
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(follower.uri("/" + incomplete))
                .header("Authorization", AUTH).PUT(HttpRequest.BodyPublishers.ofByteArray(
                        TestImages.metadata("replicas:test:amd64:default"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("a metadata tarball but no root file yet"), answer.body());
    }

    @Test
    @Order(2)
    void racingUploadsThroughBothReplicasAreAllPublished() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> versions = new ArrayList<>();
        List<Callable<Integer>> uploads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String version = nextVersion();
            versions.add(version);
            StockTomcat through = replicas.get(i % 2);
            uploads.add(() -> upload(through, version, TestImages.rootfs(4096)));
        }
        try {
            for (Future<Integer> status : pool.invokeAll(uploads)) {
                assertEquals(201, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        for (StockTomcat replica : replicas) {
            replica.awaitBody("/streams/v1/images.json", body -> versions.stream().allMatch(v -> body.contains(
                    "\"" + v.substring(v.lastIndexOf('/') + 1) + "\"")), Duration.ofSeconds(15));
        }
    }

    @Test
    @Order(3)
    void killingTheIndexingReplicaLosesNoAcknowledgedUpload() throws Exception {
        StockTomcat leader = leader();
        StockTomcat survivor = follower();
        // Answered, then the replica dies at once: its audit lines must be in the bucket already.
        upload(leader, nextVersion(), TestImages.rootfs(4096));
        long killed = System.nanoTime();
        leader.kill9();
        replicas.remove(leader);
        // Sent to the survivor while nobody indexes: its change note waits for the next leader.
        String version = nextVersion();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> uploaded = pool.submit(() -> upload(survivor, version, TestImages.rootfs(4096)));
        survivor.awaitBody("/status", body -> body.contains("\"leading\" : true"), LEASE.multipliedBy(4));
        long takeover = (System.nanoTime() - killed) / 1_000_000;
        assertEquals(201, uploaded.get());
        pool.shutdown();
        System.out.printf("takeover %d ms after kill -9 of the leader (lease %d s)%n", takeover, LEASE.toSeconds());
        assertTrue(takeover < LEASE.multipliedBy(3).toMillis(), "took over within the lease time: " + takeover + " ms");
        survivor.awaitBody("/streams/v1/images.json",
                body -> body.contains(version.substring(version.lastIndexOf('/') + 1)), Duration.ofSeconds(10));

        // The killed replica comes back as a follower and serves the same catalogue.
        StockTomcat back = replica("a2");
        replicas.add(back);
        back.awaitBody("/streams/v1/index.json", body -> body.contains("replicas:test"), Duration.ofSeconds(60));
        assertEquals(body(survivor, "/streams/v1/images.json"), body(back, "/streams/v1/images.json"));

        // Every replica's trail is complete: each acknowledged file has its line, whichever replica took it.
        for (StockTomcat replica : List.of(survivor, back)) {
            String audit = audit(replica);
            List<String> missing = acknowledged.stream().filter(path -> !audit.contains("\"path\":\"" + path + "\""))
                    .toList();
            assertEquals(List.of(), missing, "acknowledged uploads without an audit line");
        }
    }

    private static String audit(StockTomcat replica) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                replica.uri("/audit?since=2000-01-01T00:00:00Z")).header("Authorization", AUTH).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /**
     * The real {@code lxc} with a private LXD daemon: an image uploaded through one replica is listed and
     * launched through the other, behind nginx for TLS, the files coming from the bucket by redirect.
     */
    @Test
    @Order(4)
    void lxcLaunchesAnImageUploadedThroughTheOtherReplica() throws Exception {
        StockTomcat uploadedThrough = replicas.get(1);
        StockTomcat downloadedThrough = replicas.get(0);
        Path dir = Files.createDirectories(work.resolve("lxc"));
        // The containers' root (uid 100000) must traverse the path to the rootfs.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        String arch = Architectures.directoryName(ImageFactory.hostArch()).orElseThrow();
        String version = "images/busybox/replicas/" + arch + "/default/20261126_10:00";
        Path meta = ImageFactory.metadataTarball(dir.resolve("lxd.tar.xz"), ImageFactory.hostArch(), "busybox",
                "replicas", "default", "busybox through two replicas", 1_764_151_200L, "20261126_10:00");
        Path squashfs = ImageFactory.squashfs(ImageFactory.rootfsDir(dir.resolve("rootfs")), dir.resolve("rootfs.squashfs"));
        put(uploadedThrough, version + "/lxd.tar.xz", Files.readAllBytes(meta));
        put(uploadedThrough, version + "/rootfs.squashfs", Files.readAllBytes(squashfs));
        String fingerprint = Digests.sha256(meta, squashfs);
        downloadedThrough.awaitBody("/streams/v1/images.json", body -> body.contains(fingerprint),
                Duration.ofSeconds(10));

        TestCa ca = TestCa.create(dir.resolve("ca"));
        try (NginxTlsProxy proxy = NginxTlsProxy.start(dir.resolve("nginx"), ca, downloadedThrough.port());
                LxdDaemon lxd = LxdDaemon.start()) {
            lxd.trustServerCert("replicas", ca.caCert());
            lxd.lxc("remote", "add", "replicas", proxy.httpsUrl(), "--protocol=simplestreams");
            String listed = lxd.lxc("image", "list", "replicas:", "--format=csv", "-c", "F");
            assertTrue(listed.contains(fingerprint.substring(0, 12)), listed);
            lxd.lxc("launch", "replicas:busybox/replicas", "c1");
            try {
                assertEquals("ok", lxd.lxc("exec", "c1", "--", "/bin/sh", "-c", "echo ok").strip());
            } finally {
                lxd.lxc("delete", "--force", "c1");
            }
            assertTrue(lxd.lxc("image", "list", "local:", "--format=csv", "-c", "F").contains(fingerprint.substring(0, 12)));
            assertTrue(Files.readString(proxy.accessLog()).contains(" 302 "),
                    "the image files were redirected to the bucket");
        }
    }

    @Test
    @Order(5)
    void everyReplicaKeepsAPrivateViewAndRedirectsItsReaderToTheBucket() throws Exception {
        String version = "images/team/app/amd64/default/20261126_00:00";
        byte[] rootfs = TestImages.rootfs(1 << 20);
        put(replicas.get(0), version + "/lxd.tar.xz", TestImages.metadata("team:app:amd64:default"));
        put(replicas.get(0), version + "/rootfs.squashfs", rootfs);
        for (StockTomcat replica : replicas) {
            Eventually.await("the view's catalogue naming the upload", Duration.ofSeconds(15),
                    () -> get(replica, "/v/team/streams/v1/images.json", READER).body(),
                    body -> body.contains("team:app:amd64:default"));
            HttpResponse<String> redirect = get(replica, "/v/team/" + version + "/rootfs.squashfs", READER);
            assertEquals(302, redirect.statusCode(), "a view's download is redirected to the bucket too");
            HttpResponse<byte[]> bytes = HTTP.send(HttpRequest.newBuilder(URI.create(
                    redirect.headers().firstValue("Location").orElseThrow())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(Digests.sha256(rootfs), Digests.sha256(bytes.body()), "the exact bytes uploaded");

            assertEquals(401, get(replica, "/v/team/" + version + "/rootfs.squashfs", null).statusCode());
            assertEquals(404, get(replica, "/" + version + "/rootfs.squashfs", null).statusCode(),
                    "not downloadable at the root by guessing its path");
            assertFalse(get(replica, "/streams/v1/images.json", null).body().contains("team:app"));
        }
    }

    private static HttpResponse<String> get(StockTomcat replica, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(replica.uri(path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int upload(StockTomcat replica, String version, byte[] rootfs) throws Exception {
        int meta = put(replica, version + "/lxd.tar.xz", TestImages.metadata("replicas:test:amd64:default"));
        assertTrue(meta == 201 || meta == 200, "metadata upload answered " + meta);
        return put(replica, version + "/rootfs.squashfs", rootfs);
    }

    private static int put(StockTomcat replica, String path, byte[] content) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(replica.uri("/" + path))
                .header("Authorization", AUTH).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, path + ": " + response.statusCode() + " " + response.body());
        acknowledged.add(path);
        return response.statusCode();
    }

    private static synchronized String nextVersion() {
        return String.format("images/replicas/test/amd64/default/20261126_%02d:%02d", versionCounter / 60,
                versionCounter++ % 60);
    }

    private static StockTomcat leader() throws Exception {
        return awaitRole(true);
    }

    private static StockTomcat follower() throws Exception {
        return awaitRole(false);
    }

    /** One replica leads once the lease has been taken; which one is up to the race. */
    private static StockTomcat awaitRole(boolean leading) throws Exception {
        return Eventually.await("a replica " + (leading ? "leading" : "following"), LEASE.multipliedBy(5), () -> {
            for (StockTomcat replica : replicas) {
                if (isLeading(replica) == leading) {
                    return Optional.of(replica);
                }
            }
            return Optional.<StockTomcat>empty();
        }, Optional::isPresent).orElseThrow();
    }

    private static boolean isLeading(StockTomcat replica) throws Exception {
        JsonNode status = JSON.readTree(body(replica, "/status"));
        return status.path("indexer").path("leading").asBoolean();
    }

    private static String role(StockTomcat replica) throws Exception {
        return isLeading(replica) ? "the leader" : "a follower";
    }

    private static String body(StockTomcat replica, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(replica.uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
