package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.web.RawHttp;
import dev.simplestreams.web.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, scenario 2: the Tomcat JVM (the stock distribution, a real process) is killed with SIGKILL at a
 * random moment while PUT and multipart uploads are mid-body and while a burst of new versions is being
 * uploaded and indexed, then restarted on the same data root, round after round. After every restart: the
 * served catalogue is valid JSON listing every version acknowledged before any kill, every published item is
 * a complete file (its bytes are exactly what was sent), no upload or write temporary is left, and the
 * catalogue equals a clean rebuild of a copy of the tree.
 */
class CrashRecoveryIT {

    private static final String PRODUCT = "crash:test:amd64:default";
    private static final String AUTH = "Basic "
            + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));

    /** version directory -> file name -> the sha256 of the complete bytes sent for it. */
    private final Map<String, Map<String, String>> sent = new ConcurrentHashMap<>();
    /** Versions whose every file was acknowledged with 201 before the kill. */
    private final List<String> acknowledged = new ArrayList<>();
    private int versionCounter;

    @Test
    void killedAtRandomMomentsItRestartsConsistent(@TempDir Path base) throws Exception {
        Path data = Files.createDirectories(base.resolve("data"));
        Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
        int rounds = Soak.crashRounds();
        int kills = 0;
        int temporariesLeft = 0;
        for (int round = 0; round < rounds; round++) {
            StockTomcat tomcat = StockTomcat.start(Files.createDirectories(base.resolve("tomcat-" + round)), env(data));
            try {
                URI uri = tomcat.uri("/");
                awaitConsistent(uri, data, base, round);
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    // Uploads stopped mid-body (PUT with a length, and multipart), held open over the kill.
                    List<RawHttp> open = new ArrayList<>();
                    open.add(midBody(tomcat.port(), "PUT", nextVersion() + "/rootfs.squashfs"));
                    open.add(midBody(tomcat.port(), "POST", nextVersion() + "/lxd.tar.xz"));
                    // Replacing an existing file mid-body: the old one must survive intact.
                    if (!acknowledged.isEmpty()) {
                        open.add(midBody(tomcat.port(), "PUT", acknowledged.get(0) + "/rootfs.squashfs"));
                    }
                    // A burst of complete versions, indexed while they arrive; the kill lands somewhere in it.
                    for (int i = 0; i < 3; i++) {
                        pool.submit(() -> burst(uri, 4));
                    }
                    Thread.sleep(300 + random.nextInt(2500));
                    tomcat.kill9();
                    kills++;
                    temporariesLeft += Catalogues.temporaries(data.resolve("images")).size();
                    for (RawHttp http : open) {
                        http.close();
                    }
                } finally {
                    pool.shutdownNow();
                    pool.awaitTermination(20, TimeUnit.SECONDS);
                }
            } finally {
                tomcat.close();
            }
        }
        StockTomcat last = StockTomcat.start(Files.createDirectories(base.resolve("tomcat-last")), env(data));
        try {
            awaitConsistent(last.uri("/"), data, base, rounds);
        } finally {
            last.close();
        }
        assertTrue(temporariesLeft > 0, "the kills left temporaries for start-up to clean (else this proves little)");
        System.out.printf("[reliability] kill -9: %d kills, %d temporaries left by them and cleaned, %d versions "
                + "acknowledged and kept, 0 failures%n", kills, temporariesLeft, acknowledged.size());
    }

    private static Map<String, String> env(Path data) {
        return Map.of("SIMPLESTREAMS_DIR", data.toString(), "UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p",
                "ALLOW_OVERWRITES", "1", "INDEX_QUIET_MS", "200");
    }

    /**
     * After a (re)start: waits until the catalogue lists every acknowledged version, then checks it against the
     * tree and a clean rebuild.
     */
    private JsonNode awaitConsistent(URI uri, Path data, Path base, int round) throws Exception {
        List<String> expected = List.copyOf(acknowledged);
        JsonNode images = Catalogues.await("every acknowledged version listed", Duration.ofSeconds(60), () -> {
            try {
                return Catalogues.imagesJson(uri);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, json -> expected.stream()
                .allMatch(v -> json.at("/products/" + PRODUCT + "/versions/" + version(v)).isObject()));
        // Removed after the first catalogue of a start, off the way to it.
        Catalogues.await("temporaries removed after start-up", Duration.ofSeconds(30), () -> {
            try {
                return Catalogues.temporaries(data.resolve("images"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, List::isEmpty);
        // No partial file published: every item's bytes are exactly the bytes sent for it.
        JsonNode versions = images.at("/products/" + PRODUCT + "/versions");
        for (var v = versions.fields(); v.hasNext();) {
            var entry = v.next();
            String dir = "images/crash/test/amd64/default/" + entry.getKey();
            for (var items = entry.getValue().get("items").fields(); items.hasNext();) {
                var item = items.next().getValue();
                String path = item.get("path").asText();
                Path file = data.resolve(path);
                byte[] bytes = Files.readAllBytes(file);
                assertEquals(item.get("size").asLong(), bytes.length, path);
                assertEquals(item.get("sha256").asText(), Digests.sha256(bytes), path);
                Map<String, String> files = sent.get(dir);
                String name = file.getFileName().toString();
                if (files != null && files.containsKey(name)) {
                    assertEquals(files.get(name), Digests.sha256(bytes), "complete bytes of " + path);
                }
            }
        }
        // The catalogue equals a clean rebuild of the same tree.
        Path copy = base.resolve("rebuild-" + round);
        Catalogues.copyTree(data.resolve("images"), copy.resolve("images"));
        try (TomcatServer clean = TomcatServer.start(copy, Map.of())) {
            URI cleanUri = clean.uri("/");
            JsonNode rebuilt = Catalogues.await("the clean rebuild", Duration.ofSeconds(60), () -> {
                try {
                    return Catalogues.imagesJson(cleanUri);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, json -> expected.isEmpty() || json.at("/products/" + PRODUCT).isObject());
            JsonNode served = Catalogues.imagesJson(uri);
            assertEquals(Catalogues.products(rebuilt), Catalogues.products(served), "catalogue equals a clean rebuild");
        }
        return images;
    }

    private static String version(String dir) {
        return dir.substring(dir.lastIndexOf('/') + 1);
    }

    private synchronized String nextVersion() {
        int n = versionCounter++;
        return String.format("images/crash/test/amd64/default/2026%02d%02d_%02d:%02d", 1 + n / (28 * 24 * 60) % 12,
                1 + n / (24 * 60) % 28, n / 60 % 24, n % 60);
    }

    /** Uploads {@code count} complete versions one after another, recording those fully acknowledged. */
    private void burst(URI uri, int count) {
        for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
            String dir = nextVersion();
            byte[] metadata = TestImages.metadata(PRODUCT);
            byte[] rootfs = TestImages.rootfs(200_000);
            sent.put(dir, Map.of("lxd.tar.xz", Digests.sha256(metadata), "incus.tar.xz", Digests.sha256(metadata),
                    "rootfs.squashfs", Digests.sha256(rootfs)));
            try {
                if (put(uri, dir + "/lxd.tar.xz", metadata) == 201
                        && put(uri, dir + "/rootfs.squashfs", rootfs) == 201) {
                    synchronized (acknowledged) {
                        acknowledged.add(dir);
                    }
                }
            } catch (IOException | InterruptedException killed) {
                return;
            }
        }
    }

    private static int put(URI uri, String path, byte[] content) throws IOException, InterruptedException {
        HttpResponse<String> response = Catalogues.HTTP.send(HttpRequest.newBuilder(uri.resolve("/" + path))
                .header("Authorization", AUTH).timeout(Duration.ofSeconds(20))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    /** Starts an upload of 4 MB and sends only its first 1.5 MB, leaving the connection open. */
    private RawHttp midBody(int port, String method, String path) throws IOException {
        byte[] content = path.endsWith(".tar.xz") ? TestImages.metadata(PRODUCT) : TestImages.rootfs(4_000_000);
        byte[] padded = content.length < 4_000_000 ? java.util.Arrays.copyOf(content, 4_000_000) : content;
        RawHttp http = new RawHttp(port);
        String head;
        byte[] body;
        if (method.equals("PUT")) {
            head = "PUT /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\nContent-Length: "
                    + padded.length + "\r\n\r\n";
            body = padded;
        } else {
            String name = path.substring("images/".length());
            byte[] start = ("--b0undary\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"" + name
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] end = "\r\n--b0undary--\r\n".getBytes(StandardCharsets.ISO_8859_1);
            body = new byte[start.length + padded.length + end.length];
            System.arraycopy(start, 0, body, 0, start.length);
            System.arraycopy(padded, 0, body, start.length, padded.length);
            System.arraycopy(end, 0, body, start.length + padded.length, end.length);
            head = "POST /images/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH
                    + "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: " + body.length
                    + "\r\n\r\n";
        }
        http.send(head.getBytes(StandardCharsets.ISO_8859_1));
        http.send(java.util.Arrays.copyOf(body, 1_500_000));
        return http;
    }
}
