package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.StockTomcat;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads at production scale into the stock Tomcat with the production connector (docker/server.xml) and a
 * 256 MiB heap: a root file of {@code large.upload.gib} GiB (10 by default) streams through without being
 * held in memory, and a refusal comes before the client is asked for the body.
 */
class LargeUploadIT {

    static final long SIZE = Long.getLong("large.upload.gib", 10) << 30;
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    static final String DIR = "images/big/upload/amd64/default/20260301_00:00";

    static Path work;
    static StockTomcat tomcat;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("large-upload-");
        tomcat = StockTomcat.start(work.resolve("base"), Map.of("SIMPLESTREAMS_DIR", work.resolve("data").toString(),
                "UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p", "JAVA_OPTS", "-Xmx256m"));
        assertTrue(tomcat.log().contains("Command line argument: -Xmx256m"), tomcat::log);
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aRootFileOfTenGibStreamsThroughA256MibHeap() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        byte[] meta = TestImages.metadata("big:upload:amd64:default");
        assertEquals(201, http.send(put(DIR + "/lxd.tar.xz", HttpRequest.BodyPublishers.ofByteArray(meta)),
                HttpResponse.BodyHandlers.ofString()).statusCode(), tomcat::log);

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        MessageDigest combined = MessageDigest.getInstance("SHA-256");
        combined.update(meta);
        HttpRequest.BodyPublisher generated = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(SIZE, sha, combined)), SIZE);
        HttpResponse<String> response = http.send(put(DIR + "/rootfs.squashfs", generated),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(201, response.statusCode(), () -> response.body() + tomcat.log());
        JsonNode answer = new ObjectMapper().readTree(response.body());
        assertEquals(SIZE, answer.at("/files/0/size").asLong());
        assertEquals(HexFormat.of().formatHex(sha.digest()), answer.at("/files/0/sha256").asText());
        assertEquals(HexFormat.of().formatHex(combined.digest()), answer.at("/versions/0/fingerprints/0").asText());
        assertEquals(SIZE, Files.size(work.resolve("data").resolve(DIR + "/rootfs.squashfs")));
        assertFalse(tomcat.log().contains("OutOfMemoryError"), tomcat::log);
    }

    @Test
    void theProductionConnectorRefusesBeforeAskingForTheBody() throws Exception {
        for (String auth : new String[] {"Authorization: " + AUTH + "\r\n", ""}) {
            try (RawHttp raw = new RawHttp(tomcat.uri("/").getPort())) {
                raw.send(("PUT /" + DIR + "/disk.qcow2 HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                        + "Content-Length: 107374182400000\r\nExpect: 100-continue\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                RawHttp.Response response = raw.read();
                assertEquals(auth.isEmpty() ? 401 : 413, response.status(), response::toString);
                assertEquals("", response.interim(), "no 100 Continue: the client never starts sending");
                assertTrue(raw.closedByServer());
            }
        }
    }

    private static HttpRequest put(String path, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(tomcat.uri(path)).header("Authorization", AUTH).PUT(body).build();
    }

    /** Pseudo-random bytes made on the fly and hashed as they are handed out: nothing of size is stored. */
    private static final class Generated extends InputStream {

        private final byte[] block = new byte[1 << 20];
        private final MessageDigest sha;
        private final MessageDigest combined;
        private final long size;
        private long remaining;
        private int position = block.length;
        private long blocks;

        Generated(long size, MessageDigest sha, MessageDigest combined) {
            this.size = size;
            this.remaining = size;
            this.sha = sha;
            this.combined = combined;
            new Random(42).nextBytes(block);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            if (position == block.length) {
                // Each MiB differs from the last, so a server mixing up blocks would be caught.
                block[0] = (byte) blocks;
                block[1] = (byte) (blocks++ >> 8);
                if (blocks == 1) {
                    // A squashfs to the server's content check.
                    System.arraycopy(RootFiles.squashfsSuperblock(size), 0, block, 0, 96);
                }
                position = 0;
            }
            int n = (int) Math.min(Math.min(len, block.length - position), remaining);
            System.arraycopy(block, position, b, off, n);
            sha.update(block, position, n);
            combined.update(block, position, n);
            position += n;
            remaining -= n;
            return n;
        }
    }
}
