package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed writes, sent byte for byte over a socket with valid credentials to a server that allows
 * overwrites and deletes, so only path checking stands in the way. Every row: the status, a JSON error that
 * says what is allowed, and the data tree and a directory outside it byte-for-byte unchanged.
 */
class UploadAbuseIT {

    static final String VERSION = "images/ubuntu/jammy/amd64/default/20260101_00:00";
    static final String BOUNDARY = "xYzZY";
    static final String AUTH = "Authorization: Basic "
            + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8)) + "\r\n";
    static final byte[] CONTENT = "not an image, and it must not land anywhere".getBytes(StandardCharsets.UTF_8);
    static final ObjectMapper JSON = new ObjectMapper();

    static Path data;
    static Path outside;
    static TomcatServer server;

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createTempDirectory("abuse-");
        data = base.resolve("data");
        outside = base.resolve("outside");
        Trees.splitImage(data, "ubuntu:jammy:amd64:default", "20260101_00:00", TestImages.rootfs(5000));
        Files.createDirectories(outside.resolve("jammy/amd64/default/20260101_00:00"));
        Files.createDirectories(outside.resolve("version"));
        Files.writeString(outside.resolve("version/lxd.tar.xz"), "outside the tree");
        // A link to a directory outside the tree, at product level and at version level.
        Files.createSymbolicLink(data.resolve("images/linked"), outside);
        Files.createSymbolicLink(data.resolve("images/ubuntu/jammy/amd64/default/20260102_00:00"),
                outside.resolve("version"));
        server = TomcatServer.start(data, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p", "ALLOW_OVERWRITES", "1",
                "ALLOW_DELETES", "1"));
        UploadIT.waitForProduct(server, "ubuntu:jammy:amd64:default");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> filenames() {
        return Stream.of(
                // multipart file name as sent (raw), status, the error must contain
                row("../../streams/v1/images.json", 400, "does not follow the layout"),
                row("/streams/v1/images.json", 400, "without a leading '/'"),
                row("/etc/cron.d/evil", 400, "without a leading '/'"),
                row("ubuntu/jammy/amd64/default/20260101_00:00/../../../../../../streams/v1/images.json", 400,
                        "does not follow the layout"),
                row("ubuntu/../amd64/default/20260101_00:00/lxd.tar.xz", 400, "release '..' is not allowed"),
                row("%2e%2e/%2e%2e/streams/v1/images.json", 400, "does not follow the layout"),
                row("%2e%2e/jammy/amd64/default/20260101_00:00/lxd.tar.xz", 400, "os '%2e%2e' is not allowed"),
                row("ubuntu\\\\jammy\\\\amd64\\\\default\\\\20260101_00:00\\\\lxd.tar.xz", 400,
                        "is not a known image file name"),
                row("ubuntu/jammy\\\\..\\\\../amd64/default/20260101_00:00/lxd.tar.xz", 400, "is not allowed"),
                row("ubuntu/jammy/amd64/default/20260101_00:00/lxd.tar.xz\u0000.txt", 400, "NUL"),
                row("ubuntu/jammy/amd64/default/20260101_00:00/.lxd.tar.xz", 400, "is not a known image file name"),
                row(".state/jammy/amd64/default/20260101_00:00/lxd.tar.xz", 400, "os '.state' is not allowed"),
                row("ubuntu/jammy/amd64/default/20260101_00:00/run.sh", 400, "is not a known image file name"),
                row("ubuntu/jammy/amd64/default/latest/lxd.tar.xz", 400, "is not a date"),
                row("ubuntu/jammy/amd64/default/2026-01-01/lxd.tar.xz", 400, "is not a date"),
                row("ubuntu/jammy/amd64/default/20261301_00:00/lxd.tar.xz", 400, "is not a date"),
                row("ubuntu/jammy/amd65/default/20260101_00:00/lxd.tar.xz", 400, "architecture 'amd65' is not one"),
                row("ubuntu/jammy/AMD64/default/20260101_00:00/lxd.tar.xz", 400, "architecture 'AMD64' is not one"),
                row("ubuntu/jammy/amd64/default/20260101_00:00/lxd.tar.xz/", 400, "does not follow the layout"),
                row("linked/jammy/amd64/default/20260101_00:00/lxd.tar.xz", 400, "symbolic link"),
                row("ubuntu/jammy/amd64/default/20260102_00:00/lxd.tar.xz", 400, "symbolic link"),
                row("", 400, "without a file name"),
                row("lxd.tar.xz", 400, "placed by its metadata.yaml"));
    }

    @ParameterizedTest(name = "POST filename=\"{0}\" -> {1}")
    @MethodSource("filenames")
    void hostileMultipartFileNames(String filename, int status, String message) throws Exception {
        assertRefused(status, message, multipart("POST /images/", "form-data; name=\"upload\"; filename=\""
                + filename + "\""));
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                // method and target as sent (raw), extra headers, status, the error must contain
                row("PUT /images/%252e%252e/jammy/amd64/default/20260101_00:00/lxd.tar.xz", "", 400,
                        "os '%2e%2e' is not allowed"),
                row("PUT /images/..%252f..%252fstreams/v1/images.json", "", 400, "does not follow the layout"),
                row("PUT /images/ubuntu/jammy/amd64/default/20260101_00:00/%2elxd.tar.xz", "", 400,
                        "is not a known image file name"),
                row("PUT /images/ubuntu/jammy/amd64/default/20260101_00:00/evil.sh", "", 400,
                        "is not a known image file name"),
                row("PUT /images/ubuntu/jammy/amd64/default/current/lxd.tar.xz", "", 400, "is not a date"),
                row("PUT /images/ubuntu/jammy/x86-64/default/20260101_00:00/lxd.tar.xz", "", 400,
                        "architecture 'x86-64' is not one"),
                row("PUT /images/linked/jammy/amd64/default/20260101_00:00/lxd.tar.xz", "", 400, "symbolic link"),
                row("PUT /images/ubuntu/jammy/amd64/default/20260102_00:00/lxd.tar.xz", "", 400, "symbolic link"),
                row("PUT /images/ubuntu/jammy/amd64/default/20260101_00:00/", "", 400, "PUT needs the file's URL"),
                row("PUT /images/", "", 400, "PUT needs the file's URL"),
                row("PUT /images/ubuntu/jammy/amd64/default/20260101_00:00/lxd.tar.xz/x", "", 400,
                        "does not follow the layout"),
                // Tomcat normalises these to /streams/v1/images.json, which is not under images/ and takes no PUT.
                row("PUT /images/../streams/v1/images.json", "", 405, "method not allowed"),
                row("PUT /images/%2e%2e/streams/v1/images.json", "", 405, "method not allowed"),
                row("DELETE /images/%2e%2e/streams/v1/images.json", "", 405, "method not allowed"),
                row("DELETE /images/", "", 400, "only a version directory"),
                row("DELETE /images", "", 400, "only a version directory"),
                row("DELETE /images/ubuntu/jammy/amd64/default", "", 400, "only a version directory"),
                row("DELETE /images/ubuntu/jammy/amd64/default/20260101_00:00/.lxd.tar.xz.1234.upload", "", 400,
                        "hidden"),
                row("DELETE /images/linked/jammy/amd64/default/20260101_00:00", "", 400, "symbolic link"),
                row("DELETE /images/ubuntu/jammy/amd64/default/20260102_00:00", "", 400, "symbolic link"),
                row("DELETE /images/ubuntu/jammy/amd64/default/20260102_00:00/lxd.tar.xz", "", 400, "symbolic link"),
                row("PATCH /images/ubuntu/jammy/amd64/default/20260101_00:00/lxd.tar.xz", "", 405,
                        "PATCH is not supported"),
                row("POST /images/", "Content-Type: application/octet-stream\r\n", 415, "multipart/form-data"),
                // A body without a single boundary line: the reader says which line it waited for.
                row("POST /images/", "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n", 400,
                        "ends before the closing boundary --" + BOUNDARY + "--"),
                // Found by the reliability corpus: a parser that looked the charset up threw, answered 500.
                row("POST /images/", "Content-Type: multipart/form-data; boundary=" + BOUNDARY
                        + "; charset=x-evil\r\n", 400, "charset is not supported"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("requests")
    void hostileRequests(String requestLine, String headers, int status, String message) throws Exception {
        assertRefused(status, message, request(requestLine, headers, CONTENT));
    }

    @ParameterizedTest(name = "POST with a part named but no file name -> 400")
    @MethodSource("noFileName")
    void aPartWithoutFileNameIsNoFile(String disposition) throws Exception {
        assertRefused(400, "holds no file", multipart("POST /images/", disposition));
    }

    static Stream<String> noFileName() {
        return Stream.of("form-data; name=\"upload\"", "form-data; name=\"ubuntu/jammy/amd64/default/x/lxd.tar.xz\"");
    }

    /** Tomcat refuses these before any application code runs: no JSON, but nothing may change either. */
    @ParameterizedTest(name = "{0} -> 400 from Tomcat")
    @MethodSource("refusedByTomcat")
    void malformedTargetsNeverReachTheApplication(String requestLine) throws Exception {
        SortedMap<String, String> before = TreeSnapshot.withoutState(data.getParent());
        RawHttp.Response response = RawHttp.exchange(server.port(), request(requestLine, ""), CONTENT);
        assertEquals(400, response.status(), response::toString);
        assertEquals(before, TreeSnapshot.withoutState(data.getParent()));
    }

    static Stream<String> refusedByTomcat() {
        return Stream.of("PUT /images/ubuntu%2fjammy/amd64/default/20260101_00:00/lxd.tar.xz",
                "PUT /images/..%2f..%2fstreams/v1/images.json",
                "PUT /images/ubuntu\\jammy/amd64/default/20260101_00:00/lxd.tar.xz",
                "PUT /images/ubuntu%5cjammy/amd64/default/20260101_00:00/lxd.tar.xz",
                "PUT /images/ubuntu/jammy/amd64/default/20260101_00:00/lxd.tar.xz%00",
                "PUT /images/../../streams/v1/images.json",
                "PUT /images/%2e%2e/%2e%2e/streams/v1/images.json",
                "DELETE /images/../../data",
                "DELETE /images/%2e%2e/%2e%2e/outside");
    }

    private static void assertRefused(int status, String message, byte[] request) throws Exception {
        SortedMap<String, String> before = TreeSnapshot.withoutState(data.getParent());
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(request);
            response = http.read();
        }
        assertEquals(status, response.status(), response::toString);
        assertTrue(response.headers().get("content-type").startsWith("application/json"), response::toString);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(status, body.at("/status").asInt(), response::toString);
        assertTrue(body.at("/error").asText().contains(message), () -> "expected '" + message + "' in " + response);
        assertEquals(before, TreeSnapshot.withoutState(data.getParent()), "the tree and its surroundings are unchanged");
    }

    private static byte[] multipart(String requestLine, String disposition) {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: " + disposition + "\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + new String(CONTENT, StandardCharsets.ISO_8859_1)
                + "\r\n--" + BOUNDARY + "--\r\n";
        return request(requestLine, "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n",
                body.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] request(String requestLine, String headers, byte[] body) {
        byte[] head = request(requestLine, headers + "Content-Length: " + body.length + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String request(String requestLine, String headers) {
        return requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + headers + "Connection: close\r\n\r\n";
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
