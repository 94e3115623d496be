package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.TomcatServer.RealmUser;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of change, and refused writes, gives its line in the audit trail, with the user and the client
 * address behind the proxy, before the writer has its answer; the trail is for admins only and survives a
 * restart. Rows run in order on two servers: "strict" (no overwrites, deletes on, KEEP_VERSIONS=1 with no grace)
 * and "open" (overwrites on, deletes off).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIT {

    static final String PASSWORD = "audit pw";
    static final String VERSION = "images/audit/test/amd64/default/20260101_00:00/";
    static final byte[] META = TestImages.metadata("audit:test:amd64:default");
    static final byte[] ROOT = TestImages.rootfs(4096);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, TomcatServer> SERVERS = new HashMap<>();
    static final Map<String, Path> DATA = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> common = Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", PASSWORD,
                "LOGIN_FAILURES_ALLOWED", "0");
        Path strict = Files.createTempDirectory("audit-strict-");
        // Two versions of a product of which only the newest is kept: the older is pruned at once.
        Trees.splitImage(strict, "old:one:amd64:default", "20250101_00:00", TestImages.rootfs(2048));
        Trees.splitImage(strict, "old:one:amd64:default", "20250102_00:00", TestImages.rootfs(2048));
        Trees.settled(strict);
        start("strict", strict, with(common, "ALLOW_DELETES", "1", "KEEP_VERSIONS", "1", "RETENTION_GRACE_MINUTES",
                "0"));
        start("open", Files.createTempDirectory("audit-open-"), with(common, "ALLOW_OVERWRITES", "1"));
    }

    private static void start(String name, Path data, Map<String, String> settings) throws Exception {
        DATA.put(name, data);
        SERVERS.put(name, TomcatServer.start(data, settings, TomcatServer.behindProxy()));
        Trees.awaitFirstCatalogue(data);
    }

    @AfterAll
    static void stop() throws Exception {
        for (TomcatServer server : SERVERS.values()) {
            server.close();
        }
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                // server, method, path, password (null: none), body, status; the line: action, who, result, reason
                row("strict", "PUT", VERSION + "lxd.tar.xz", PASSWORD, META, 201, "upload", "uploader", "created",
                        null),
                row("strict", "PUT", VERSION + "rootfs.squashfs", PASSWORD, ROOT, 201, "upload", "uploader", "created",
                        null),
                row("strict", "PUT", VERSION + "rootfs.squashfs", PASSWORD, ROOT, 200, "upload", "uploader",
                        "unchanged", null),
                row("strict", "PUT", VERSION + "rootfs.squashfs", PASSWORD, TestImages.rootfs(4096), 409, "upload",
                        "uploader", "stored_aside", null),
                row("strict", "DELETE", VERSION + "rootfs.squashfs", PASSWORD, null, 200, "delete", "uploader",
                        "deleted", null),
                row("strict", "PUT", VERSION + "metadata.json", "wrong", "{}".getBytes(), 401, "upload", null,
                        "refused", "need the uploader's credentials"),
                row("strict", "PUT", "images/audit/test/amd64/default/not-a-version/x.squashfs", PASSWORD,
                        ROOT, 400, "upload", "uploader", "refused", "version"),
                row("open", "PUT", VERSION + "metadata.json", PASSWORD, "{}".getBytes(), 201, "upload", "uploader",
                        "created", null),
                row("open", "PUT", VERSION + "metadata.json", PASSWORD, "{\"os\":\"Audit\"}".getBytes(), 200, "upload",
                        "uploader", "replaced", null),
                row("open", "DELETE", VERSION + "metadata.json", PASSWORD, null, 403, "delete", "uploader",
                        "refused", "ALLOW_DELETES"));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}: {1} {2} -> {5} {6} {8}")
    @MethodSource("changes")
    void everyChangeHasItsLine(String server, String method, String path, String password, byte[] body, int status,
            String action, String who, String result, String reason) throws Exception {
        Instant before = Instant.now();
        String address = "203.0.113." + (1 + (Math.abs(path.hashCode() + status) % 250));
        HttpRequest.Builder request = HttpRequest.newBuilder(SERVERS.get(server).uri(path))
                .header("X-Forwarded-For", address)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (password != null) {
            request.header("Authorization", basic("uploader", password));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response::body);
        // Recorded before the answer went out: no waiting.
        List<JsonNode> lines = audit(server, "since=" + before);
        JsonNode line = lines.stream().filter(l -> l.path("action").asText().equals(action)
                && l.path("result").asText().equals(result)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + action + " " + result + " line in " + lines));
        assertEquals(address, line.path("address").asText(), line::toString);
        assertEquals(status, line.path("status").asInt(), line::toString);
        assertEquals(who == null, line.path("who").isMissingNode(), line::toString);
        if (who != null) {
            assertEquals(who, line.path("who").asText(), line::toString);
        }
        if (reason != null) {
            assertTrue(line.path("reason").asText().contains(reason), line::toString);
        }
        if (result.equals("stored_aside")) {
            assertEquals(path, line.path("requested").asText(), line::toString);
            assertTrue(line.path("path").asText().startsWith(path + ".conflict-"), line::toString);
        } else {
            assertEquals(path, line.path("path").asText(), line::toString);
        }
        if (method.equals("PUT") && status < 300) {
            assertEquals(body.length, line.path("size").asLong(), line::toString);
            assertEquals(64, line.path("sha256").asText().length(), line::toString);
        }
        if (path.endsWith("rootfs.squashfs") && result.equals("created")) {
            assertEquals(64, line.path("fingerprints").path(0).asText().length(), "published: " + line);
        }
        assertFalse(lines.toString().contains(PASSWORD), "no password in the trail");
    }

    @Order(2)
    @Test
    void retentionRecordsWhatItDeletes() {
        List<JsonNode> pruned = Eventually.await("the prune line", () -> {
            try {
                return audit("strict", "since=2000-01-01T00:00:00Z").stream()
                        .filter(l -> l.path("action").asText().equals("prune")).toList();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, lines -> !lines.isEmpty());
        JsonNode line = pruned.get(0);
        assertEquals("images/old/one/amd64/default/20250101_00:00", line.path("path").asText(), line::toString);
        assertEquals("retention", line.path("who").asText(), line::toString);
        assertEquals("deleted", line.path("result").asText(), line::toString);
        assertTrue(line.path("address").isMissingNode(), line::toString);
        assertFalse(Files.exists(DATA.get("strict").resolve("images/old/one/amd64/default/20250101_00:00")));
    }

    static Stream<Arguments> readers() {
        return Stream.of(
                // server, query, Authorization (null: none), status, body must contain
                row("strict", "since=2000-01-01T00:00:00Z", null, 401, "credentials"),
                row("strict", "since=2000-01-01T00:00:00Z", basic("uploader", "wrong"), 401, "credentials"),
                row("strict", "since=2000-01-01T00:00:00Z", basic("uploader", PASSWORD), 200, "\"action\""),
                row("strict", "since=2999-01-01T00:00:00Z", basic("uploader", PASSWORD), 200, ""),
                row("strict", "since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z", basic("uploader", PASSWORD),
                        200, ""),
                row("strict", "", basic("uploader", PASSWORD), 400, "since=<ISO-8601 instant>"),
                row("strict", "since=yesterday", basic("uploader", PASSWORD), 400, "yesterday is not one"),
                row("container", "since=2000-01-01T00:00:00Z", null, 401, ""),
                row("container", "since=2000-01-01T00:00:00Z", basic("alice", "alice pw"), 403, "simplestreams-admin"),
                row("container", "since=2000-01-01T00:00:00Z", basic("audrey", "audrey pw"), 200, ""),
                row("off", "since=2000-01-01T00:00:00Z", null, 403, "WRITE_AUTH=basic or container"));
    }

    @Order(3)
    @ParameterizedTest(name = "{0}: /audit?{1} with {2} -> {3}")
    @MethodSource("readers")
    void onlyAdminsReadTheTrail(String server, String query, String authorization, int status, String body)
            throws Exception {
        if (!SERVERS.containsKey(server)) {
            Path data = Files.createTempDirectory("audit-" + server + "-");
            SERVERS.put(server, server.equals("off") ? TomcatServer.start(data, Map.of("WRITE_AUTH", "off"))
                    : TomcatServer.start(data, Map.of("WRITE_AUTH", "container"), List.of(
                            new RealmUser("alice", "alice pw", List.of(WriteAuthFilter.ROLE)),
                            new RealmUser("audrey", "audrey pw", List.of(WriteAuthFilter.ADMIN_ROLE)))));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(SERVERS.get(server).uri("/audit?" + query));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response::body);
        assertTrue(response.body().contains(body), response::body);
        if (status == 200 && body.isEmpty() && !server.equals("container")) {
            assertEquals("", response.body(), "nothing in that span");
        }
    }

    @Order(4)
    @Test
    void survivesARestart() throws Exception {
        Path data = DATA.get("open");
        SERVERS.remove("open").close();
        try (TomcatServer restarted = TomcatServer.start(data, Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD",
                PASSWORD))) {
            SERVERS.put("open", restarted);
            List<JsonNode> lines = audit("open", "since=2000-01-01T00:00:00Z");
            assertEquals(List.of("created", "replaced", "refused"),
                    lines.stream().map(l -> l.path("result").asText()).toList(), lines::toString);
        } finally {
            SERVERS.remove("open");
        }
    }

    private static List<JsonNode> audit(String server, String query) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(SERVERS.get(server).uri("/audit?" + query))
                .header("Authorization", basic("uploader", PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/jsonl"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isEmpty()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> with(Map<String, String> settings, String... more) {
        Map<String, String> all = new HashMap<>(settings);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
