package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.web.RawHttp;
import dev.simplestreams.web.TestImages;
import dev.simplestreams.web.TreeSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 uploads (PUT and multipart) cut off at random points, four at a time, most of them aimed at one
 * published file: nothing partial is ever visible or published, the published image is untouched, and
 * every temporary is gone once the server has given up on each request.
 */
class RandomAbortsIT {

    private static final int UPLOADS = 100;
    private static final String DIR = "images/debian/trixie/amd64/default/20260301_00:00";
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(
            StandardCharsets.UTF_8));

    @TempDir
    Path data;

    @Test
    void abortedUploadsLeaveNothingBehind() throws Exception {
        try (TomcatServer server = TomcatServer.start(data, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p",
                "ALLOW_OVERWRITES", "1"))) {
            byte[] meta = TestImages.metadata("debian:trixie:amd64:default");
            byte[] root = TestImages.rootfs(300_000);
            assertEquals(201, RawHttp.exchange(server.port(), put(DIR + "/lxd.tar.xz", meta.length), meta).status());
            assertEquals(201, RawHttp.exchange(server.port(), put(DIR + "/rootfs.squashfs", root.length), root)
                    .status());
            SortedMap<String, String> before = TreeSnapshot.of(data.resolve("images"));
            String catalogue = imagesJson(server);

            Random random = new Random(20261126L);
            byte[] replacement = TestImages.rootfs(2_000_000);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                boolean multipart = i % 2 == 1;
                // Three in four aim at the published rootfs; the rest at a new version of their own.
                String target = i % 4 == 3 ? "images/debian/trixie/amd64/default/202603" + String.format("%02d", 2 + i % 27)
                        + "_00:00/rootfs.squashfs" : DIR + "/rootfs.squashfs";
                int cut = random.nextInt(replacement.length - 1);
                runs.add(pool.submit(() -> abortedUpload(server.port(), target, replacement, cut, multipart)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            pool.shutdown();

            assertEquals(before, TreeSnapshot.of(data.resolve("images")), "no partial file, no new directory");
            assertArrayEquals(root, Files.readAllBytes(data.resolve(DIR + "/rootfs.squashfs")));
            assertEquals(catalogue, imagesJson(server), "the catalogue is unchanged");
        }
    }

    /** Sends the head and the body up to {@code cut} bytes, then hangs up and waits for the server to give up. */
    private static Void abortedUpload(int port, String path, byte[] body, int cut, boolean multipart)
            throws Exception {
        String head;
        byte[] prefix;
        if (multipart) {
            prefix = ("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"" + path.substring(7)
                    + "\"\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            head = "POST /images/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH
                    + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: "
                    + (prefix.length + body.length + 8) + "\r\n\r\n";
        } else {
            prefix = new byte[0];
            head = put(path, body.length);
        }
        try (RawHttp http = new RawHttp(port)) {
            http.send(head.getBytes(StandardCharsets.ISO_8859_1));
            http.send(prefix);
            http.send(java.util.Arrays.copyOf(body, cut));
            http.hangUpAndAwaitClose();
        }
        return null;
    }

    private static String put(String path, int length) {
        return "PUT /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\nContent-Length: "
                + length + "\r\n\r\n";
    }

    private static String imagesJson(TomcatServer server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/streams/v1/images.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        // The timestamp changes with every publication; everything else must not.
        return response.body().replaceAll("\"updated\":\"[^\"]*\"", "");
    }
}
