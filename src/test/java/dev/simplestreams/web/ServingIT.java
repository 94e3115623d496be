package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The read path's HTTP contract on a real Tomcat: request -> status, headers, body. */
class ServingIT {

    private static final String VERSION_DIR = "images/ubuntu/jammy/amd64/default/20260101_00:00";
    private static final byte[] ROOTFS = rootfs();

    @TempDir
    static Path data;
    static TomcatServer server;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Trees.splitImage(data, "ubuntu:jammy:amd64:default", "20260101_00:00", ROOTFS);
        server = TomcatServer.start(data, Map.of());
        waitForCatalogue();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                // method, path, request headers, status, expected headers, body must contain
                Arguments.of("GET", "/streams/v1/index.json", new String[0], 200,
                        new String[] {"content-type", "application/json;charset=UTF-8"}, "\"index:1.0\""),
                Arguments.of("GET", "/streams/v1/images.json", new String[0], 200,
                        new String[] {"cache-control", "no-cache"}, "\"ubuntu:jammy:amd64:default\""),
                Arguments.of("GET", "/streams/v1/images.json", new String[] {"Accept-Encoding", "gzip"}, 200,
                        new String[] {"content-encoding", "gzip"}, null),
                Arguments.of("GET", "/streams/v1/images.json", new String[] {"Range", "bytes=0-9"}, 200,
                        new String[0], "\"products:1.0\""),
                Arguments.of("GET", "/streams/v1/images.json", new String[] {"If-Modified-Since",
                        "Sun, 06 Nov 2094 08:49:37 GMT"}, 200, new String[0], "\"products:1.0\""),
                Arguments.of("GET", "/streams/v1/nope.json", new String[0], 404, new String[0], "\"error\""),
                Arguments.of("GET", "/" + VERSION_DIR + "/rootfs.squashfs", new String[0], 200,
                        new String[] {"content-length", String.valueOf(ROOTFS.length), "accept-ranges", "bytes"}, null),
                Arguments.of("GET", "/" + VERSION_DIR + "/rootfs.squashfs", new String[] {"Range", "bytes=10-19"}, 206,
                        new String[] {"content-range", "bytes 10-19/" + ROOTFS.length, "content-length", "10"}, null),
                Arguments.of("GET", "/" + VERSION_DIR + "/rootfs.squashfs", new String[] {"Range", "bytes=999999999-"},
                        416, new String[0], null),
                Arguments.of("HEAD", "/" + VERSION_DIR + "/lxd.tar.xz", new String[0], 200,
                        new String[] {"content-type", "application/x-xz"}, null),
                Arguments.of("GET", "/images/", new String[0], 404, new String[0], "\"not found\""),
                Arguments.of("GET", "/" + VERSION_DIR + "/", new String[0], 404, new String[0], "\"not found\""),
                Arguments.of("GET", "/images/%2e%2e/.state/hash-cache.json", new String[0], 404, new String[0], null),
                Arguments.of("GET", "/.state/hash-cache.json", new String[0], 404, new String[0], null),
                Arguments.of("GET", "/images/nothing/here.squashfs", new String[0], 404, new String[0], "\"error\""));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("requests")
    void answers(String method, String path, String[] headers, int status, String[] expectedHeaders, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
                HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), () -> "body: " + response.body());
        for (int i = 0; i < expectedHeaders.length; i += 2) {
            assertEquals(expectedHeaders[i + 1], response.headers().firstValue(expectedHeaders[i]).orElse(null),
                    expectedHeaders[i]);
        }
        if (body != null) {
            assertTrue(response.body().contains(body), () -> "expected " + body + " in " + response.body());
        }
        assertTrue(response.headers().firstValue("server").isEmpty(), "no Server header");
        assertTrue(!response.body().contains("Apache Tomcat") && !response.body().contains("Exception"),
                "no internals in " + response.body());
    }

    /** A mirror downstream revalidates; real clients never send If-None-Match and always get the 200 they need. */
    @Test
    void catalogueDocumentsRevalidateWithTheirETag() throws Exception {
        for (String document : new String[] {"/streams/v1/index.json", "/streams/v1/images.json"}) {
            HttpResponse<String> first = HTTP.send(HttpRequest.newBuilder(server.uri(document)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String etag = first.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(server.uri(document))
                    .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(304, again.statusCode(), document);
            assertEquals("", again.body());
            HttpResponse<String> gzip = HTTP.send(HttpRequest.newBuilder(server.uri(document))
                    .header("If-None-Match", etag).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, gzip.statusCode(), "the gzip representation has a tag of its own");
            HttpResponse<String> stale = HTTP.send(HttpRequest.newBuilder(server.uri(document))
                    .header("If-None-Match", "\"0.0\"").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stale.statusCode());
            assertEquals(first.body(), stale.body());
        }
    }

    private static void waitForCatalogue() throws Exception {
        Eventually.await("a catalogue listing ubuntu:jammy",
                () -> HTTP.send(HttpRequest.newBuilder(server.uri("/streams/v1/images.json")).build(),
                        HttpResponse.BodyHandlers.ofString()),
                r -> r.statusCode() == 200 && r.body().contains("ubuntu:jammy"));
    }

    private static byte[] rootfs() {
        byte[] bytes = new byte[200_000];
        Arrays.fill(bytes, (byte) 7);
        return RootFiles.squashfs(bytes);
    }
}
