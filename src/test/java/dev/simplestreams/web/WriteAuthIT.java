package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.TomcatServer.RealmUser;
import dev.simplestreams.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may write, under each WRITE_AUTH mode, and that reads never need credentials. A refused write leaves the
 * tree unchanged and is answered before the body is read.
 */
class WriteAuthIT {

    static final String PASSWORD = "pä ss:wörd";
    static final String ROLE = "simplestreams-uploader";
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger VERSIONS = new AtomicInteger();
    static final Map<String, TomcatServer> SERVERS = new java.util.HashMap<>();
    static final Map<String, Path> DATA = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        // Lock-outs are off here: the table tries many wrong credentials in a row (LoginLockoutIT locks out).
        start("basic", Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", PASSWORD, "ALLOW_DELETES", "1",
                "LOGIN_FAILURES_ALLOWED", "0"), List.of());
        start("unconfigured", Map.of("ALLOW_DELETES", "1"), List.of());
        start("off", Map.of("WRITE_AUTH", "off"), List.of());
        start("container", Map.of("WRITE_AUTH", "container", "UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", PASSWORD),
                List.of(new RealmUser("alice", "alice pw", List.of(ROLE)),
                        new RealmUser("bob", "bob pw", List.of("x"))));
    }

    private static void start(String name, Map<String, String> settings, List<RealmUser> users) throws Exception {
        Path data = Files.createTempDirectory("auth-" + name + "-");
        Files.createDirectories(data.resolve("images/auth/test/amd64/default/20260101_00:00"));
        Files.writeString(data.resolve("images/auth/test/amd64/default/20260101_00:00/metadata.json"), "{}");
        Trees.settled(data);
        DATA.put(name, data);
        SERVERS.put(name, TomcatServer.start(data, settings, users));
        Trees.awaitFirstCatalogue(data);
    }

    @AfterAll
    static void stop() throws Exception {
        for (TomcatServer server : SERVERS.values()) {
            server.close();
        }
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                // server, method, Authorization header (null: none), status, body must contain
                row("basic", "PUT", null, 401, "need the uploader's credentials"),
                row("basic", "PUT", basic("uploader", "wrong"), 401, "need the uploader's credentials"),
                row("basic", "PUT", basic("someone", PASSWORD), 401, "need the uploader's credentials"),
                row("basic", "PUT", basic("uploader", "pä ss"), 401, "need the uploader's credentials"),
                row("basic", "PUT", "Basic !!not base64!!", 401, "need the uploader's credentials"),
                row("basic", "PUT", "Bearer " + Base64.getEncoder().encodeToString(PASSWORD.getBytes()), 401,
                        "need the uploader's credentials"),
                row("basic", "DELETE", null, 401, "need the uploader's credentials"),
                row("basic", "POST", basic("uploader", "wrong"), 401, "need the uploader's credentials"),
                row("basic", "PUT", basic("uploader", PASSWORD), 201, "\"created\""),
                row("basic", "PUT", "basic " + Base64.getEncoder().encodeToString(("uploader:" + PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)), 201, "\"created\""),
                row("basic", "GET", null, 200, "\"products:1.0\""),
                row("unconfigured", "PUT", basic("uploader", PASSWORD), 403, "set UPLOAD_USER and UPLOAD_PASSWORD"),
                row("unconfigured", "PUT", null, 403, "WRITE_AUTH=container"),
                row("unconfigured", "DELETE", null, 403, "WRITE_AUTH=off"),
                row("unconfigured", "GET", null, 200, "\"products:1.0\""),
                row("off", "PUT", null, 201, "\"created\""),
                row("container", "PUT", null, 401, "authentication required"),
                row("container", "PUT", basic("alice", "wrong"), 401, "authentication required"),
                // UPLOAD_USER means nothing to the container realm.
                row("container", "PUT", basic("uploader", PASSWORD), 401, "authentication required"),
                row("container", "PUT", basic("bob", "bob pw"), 403, "role " + ROLE),
                row("container", "PUT", basic("alice", "alice pw"), 201, "\"created\""),
                row("container", "GET", null, 200, "\"products:1.0\""));
    }

    @ParameterizedTest(name = "{0}: {1} with {2} -> {3}")
    @MethodSource("requests")
    void writesNeedTheConfiguredCredentials(String server, String method, String authorization, int status,
            String message) throws Exception {
        Path data = DATA.get(server);
        SortedMap<String, String> before = TreeSnapshot.withoutState(data);
        String target = switch (method) {
            case "GET" -> "/streams/v1/images.json";
            case "DELETE" -> "/images/auth/test/amd64/default/20260101_00:00";
            case "POST" -> "/images/";
            default -> "/images/auth/test/amd64/default/2026" + String.format("%04d", 101 + VERSIONS.incrementAndGet())
                    + "_00:00/metadata.json";
        };
        byte[] body = method.equals("GET") || method.equals("DELETE") ? new byte[0] : "{}".getBytes();
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(SERVERS.get(server).port())) {
            // Headers first, body only once the server asks for it: a refusal must come without reading it.
            http.send((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + (body.length == 0 ? "" : "Content-Length: " + body.length + "\r\nExpect: 100-continue\r\n")
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (status < 300 && body.length > 0) {
                http.send(body);
            }
            response = http.read();
        }
        assertEquals(status, response.status(), response::toString);
        assertTrue(response.headers().get("content-type").startsWith("application/json"), response::toString);
        assertTrue(response.body().contains(message), () -> "expected '" + message + "' in " + response);
        if (status == 401) {
            assertTrue(response.headers().get("www-authenticate").startsWith("Basic realm=\"simplestreams\""),
                    response::toString);
        }
        if (status >= 400) {
            assertEquals(status, JSON.readTree(response.body()).at("/status").asInt());
            assertEquals(before, TreeSnapshot.withoutState(data), "a refused write changes nothing");
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
