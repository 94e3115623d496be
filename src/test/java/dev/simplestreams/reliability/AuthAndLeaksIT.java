package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.Trees;
import dev.simplestreams.web.RawHttp;
import dev.simplestreams.web.TestImages;
import dev.simplestreams.web.TreeSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9, scenario 7, beyond WriteAuthIT (which pins each WRITE_AUTH mode): on the stock Tomcat with the
 * shipped server.xml, every kind of write (PUT of a file and of metadata.json, multipart POST, DELETE of a
 * version and of a file) with every kind of missing or wrong credentials is refused with 401 and changes
 * nothing; every read works without credentials; and no answer, error or not, reveals internals (stack
 * traces, exception names, "Apache Tomcat", versions) in its headers or body.
 */
class AuthAndLeaksIT {

    static final String VERSION = "images/ubuntu/jammy/amd64/default/20260101_00:00";
    static final List<String> LEAKS = List.of("Exception", "\tat ", "at org.", "at java.", "at dev.simplestreams",
            "Apache Tomcat", "Tomcat/", "11.0.", "catalina", "jakarta.", "java.", "Servlet");

    static Path data;
    static StockTomcat server;

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createTempDirectory("auth-leaks-");
        data = base.resolve("data");
        Trees.splitImage(data, "ubuntu:jammy:amd64:default", "20260101_00:00", TestImages.rootfs(5000));
        server = StockTomcat.start(base.resolve("tomcat"), Map.of("SIMPLESTREAMS_DIR", data.toString(),
                "UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", "s3cret pw", "ALLOW_OVERWRITES", "1",
                "ALLOW_DELETES", "1", "MAX_UPLOAD_BYTES", "1000000",
                // Every kind of wrong credentials in a row, all to be answered 401 (LoginLockoutIT locks out).
                "LOGIN_FAILURES_ALLOWED", "0"));
        Catalogues.await("the catalogue", Duration.ofSeconds(60), () -> {
            try {
                return Catalogues.imagesJson(server.uri("/"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, json -> json.at("/products/ubuntu:jammy:amd64:default").isObject());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> wrongWrites() {
        List<String> authorizations = new ArrayList<>();
        authorizations.add(null);
        authorizations.addAll(List.of(basic("uploader:wrong"), basic("someone:s3cret pw"), basic("uploader:"),
                basic("uploader"), basic(":s3cret pw"), basic("UPLOADER:s3cret pw"), basic("uploader:S3CRET PW"),
                basic("uploader:s3cret pw "), basic("uploader:s3cret"), "Basic ", "Basic", "Basic ====",
                "Basic " + "A".repeat(4000), "Bearer s3cret pw", "Digest username=\"uploader\", response=\"x\"",
                "uploader:s3cret pw", basic("uploader:s3cret pw\u0000")));
        List<Arguments> rows = new ArrayList<>();
        String[][] writes = {
            {"PUT", "/" + VERSION + "/rootfs.squashfs", "raw"},
            {"PUT", "/" + VERSION + "/metadata.json", "json"},
            {"PUT", "/images/ubuntu/jammy/amd64/default/20260301_00:00/lxd.tar.xz", "raw"},
            {"POST", "/images/", "multipart"},
            {"DELETE", "/" + VERSION, "none"},
            {"DELETE", "/" + VERSION + "/rootfs.squashfs", "none"}};
        for (String[] write : writes) {
            for (String authorization : authorizations) {
                rows.add(Arguments.of(write[0], write[1], write[2], authorization));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} {1} with {3} -> 401, nothing changed")
    @MethodSource("wrongWrites")
    void writesWithoutTheRightCredentialsAreRefusedAndChangeNothing(String method, String target, String body,
            String authorization) throws Exception {
        SortedMap<String, String> before = TreeSnapshot.of(data.resolve("images"));
        byte[] content = switch (body) {
            case "raw" -> TestImages.rootfs(2000);
            case "json" -> "{\"os\": \"Evil\"}".getBytes(StandardCharsets.UTF_8);
            case "multipart" -> ("--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\""
                    + VERSION.substring("images/".length()) + "/rootfs.squashfs\"\r\n\r\nevil\r\n--B--\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            default -> new byte[0];
        };
        String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (body.equals("multipart") ? "Content-Type: multipart/form-data; boundary=B\r\n" : "")
                + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n";
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(head.getBytes(StandardCharsets.UTF_8));
            http.send(content);
            response = http.read();
        }
        assertEquals(401, response.status(), response::toString);
        assertTrue(response.headers().get("www-authenticate").startsWith("Basic realm="), response::toString);
        assertEquals(401, Catalogues.JSON.readTree(response.body()).at("/status").asInt(), response::toString);
        assertNoInternals(response);
        assertEquals(before, TreeSnapshot.of(data.resolve("images")), "a refused write changes nothing");
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                // request line, extra headers, expected status
                Arguments.of("GET /", "", 200), // the catalogue page
                Arguments.of("GET /streams/v1/index.json", "", 200),
                Arguments.of("GET /streams/v1/images.json", "", 200),
                Arguments.of("GET /streams/v1/images.json", "Accept-Encoding: gzip\r\n", 200),
                Arguments.of("HEAD /streams/v1/images.json", "", 200),
                Arguments.of("GET /" + VERSION + "/rootfs.squashfs", "", 200),
                Arguments.of("GET /" + VERSION + "/rootfs.squashfs", "Range: bytes=10-99\r\n", 206),
                Arguments.of("GET /" + VERSION + "/rootfs.squashfs", "Range: bytes=999999-\r\n", 416),
                Arguments.of("GET /healthz", "", 200),
                Arguments.of("GET /readyz", "", 200),
                Arguments.of("GET /status", "", 200),
                Arguments.of("GET /no/such/thing", "", 404),
                Arguments.of("GET /" + VERSION + "/nothing.squashfs", "", 404),
                Arguments.of("GET /images/../../../etc/passwd", "", 400),
                Arguments.of("GET /WEB-INF/web.xml", "", 404),
                Arguments.of("GET /META-INF/MANIFEST.MF", "", 404),
                Arguments.of("GET /.state/", "", 404),
                Arguments.of("PUT /streams/v1/images.json", "Authorization: " + basic("uploader:s3cret pw") + "\r\n",
                        405),
                Arguments.of("POST /status", "", 405),
                Arguments.of("TRACE /", "", 405),
                Arguments.of("GET /%", "", 400),
                Arguments.of("GET /images/%c0%ae%c0%ae/", "", 400),
                Arguments.of("PUT /" + VERSION + "/rootfs.squashfs", "Authorization: " + basic("uploader:s3cret pw")
                        + "\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n", 413),
                Arguments.of("POST /images/", "Authorization: " + basic("uploader:s3cret pw")
                        + "\r\nContent-Type: text/plain\r\n", 415));
    }

    @ParameterizedTest(name = "{0} {1}-> {2}, no internals")
    @MethodSource("answers")
    void readsNeedNoCredentialsAndNoAnswerRevealsInternals(String requestLine, String headers, int status)
            throws Exception {
        SortedMap<String, String> before = TreeSnapshot.of(data.resolve("images"));
        String length = headers.contains("Content-Length") ? "" : "Content-Length: 0\r\n";
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(server.port())) {
            http.send((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + length
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // With Connection: close, a HEAD answer's announced body is simply not there: read() ends at EOF.
            response = http.read();
        }
        assertEquals(status, response.status(), response::toString);
        assertNoInternals(response);
        if (status >= 400) {
            assertEquals(before, TreeSnapshot.of(data.resolve("images")), "an error changes nothing");
        }
    }

    private static void assertNoInternals(RawHttp.Response response) {
        String server = String.valueOf(response.headers().get("server"));
        assertFalse(server.matches(".*\\d.*") || server.contains("Tomcat"), () -> "Server header: " + response);
        assertFalse(response.headers().containsKey("x-powered-by"), response::toString);
        String text = response.headers() + " " + response.body();
        for (String leak : LEAKS) {
            assertFalse(text.contains(leak), () -> "reveals '" + leak + "': " + response);
        }
    }
}
