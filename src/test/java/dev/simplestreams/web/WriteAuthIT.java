package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.CapturedLog;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Eventually;
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
import org.junit.jupiter.api.Test;
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
    static Path ACCESS_FILE;

    @BeforeAll
    static void start() throws Exception {
        // Lock-outs are off here: the table tries many wrong credentials in a row (LoginLockoutIT locks out).
        start("basic", Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", PASSWORD, "ALLOW_DELETES", "1",
                "LOGIN_FAILURES_ALLOWED", "0"), List.of());
        start("unconfigured", Map.of("ALLOW_DELETES", "1"), List.of());
        start("off", Map.of("WRITE_AUTH", "off"), List.of());
        start("container", Map.of("WRITE_AUTH", "container", "UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", PASSWORD),
                List.of(new RealmUser("alice", "alice pw", List.of(ROLE)),
                        new RealmUser("bob", "bob pw", List.of("x")),
                        new RealmUser("carol", "carol pw", List.of("simplestreams-create:images/auth/")),
                        new RealmUser("dave", "dave pw", List.of("simplestreams-create:images/other/"))));
        ACCESS_FILE = Files.createTempFile("access-", ".json");
        Files.writeString(ACCESS_FILE, teamsFile(Map.of()));
        start("scoped", Map.of("ACCESS_FILE", ACCESS_FILE.toString(), "UPLOAD_USER", "uploader", "UPLOAD_PASSWORD",
                PASSWORD, "ALLOW_OVERWRITES", "1", "ALLOW_DELETES", "1", "LOGIN_FAILURES_ALLOWED", "0"), List.of());
    }

    /**
     * Two teams, each writing under its own prefix, and {@code more} users (name to role). The hashes come from
     * Tomcat's own digest.sh, the command the README gives operators.
     */
    static String teamsFile(Map<String, String> more) throws Exception {
        Map<String, Object> users = new java.util.TreeMap<>();
        users.put("alice", Map.of("password_hash", digest(filePassword("alice")), "roles", List.of("team-a")));
        users.put("bob", Map.of("password_hash", digest(filePassword("bob")), "roles", List.of("team-b")));
        for (Map.Entry<String, String> user : more.entrySet()) {
            users.put(user.getKey(), Map.of("password_hash", digest(filePassword(user.getKey())), "roles",
                    List.of(user.getValue())));
        }
        List<String> all = List.of("create", "overwrite", "delete");
        return JSON.writeValueAsString(Map.of("users", users, "writers", List.of(
                Map.of("roles", List.of("team-a"), "may", all, "under", List.of("images/team-a/")),
                Map.of("roles", List.of("team-b"), "may", all, "under", List.of("images/team-b/")))));
    }

    /** digest.sh takes each word as a password of its own: these have none of the realm users' spaces. */
    private static String filePassword(String user) {
        return user + "-secret";
    }

    private static String digest(String password) {
        String line = Cli.create().check(Path.of(System.getProperty("tomcat.home"), "bin", "digest.sh").toString(),
                "-a", "PBKDF2WithHmacSHA512", "-i", "210000", "-s", "16", "-k", "512",
                "-h", "org.apache.catalina.realm.SecretKeyCredentialHandler", password).strip();
        return line.substring(line.lastIndexOf(':') + 1);
    }

    private static void start(String name, Map<String, String> settings, List<RealmUser> users) throws Exception {
        Path data = Files.createTempDirectory("auth-" + name + "-");
        Files.createDirectories(data.resolve("images/auth/test/amd64/default/20260101_00:00"));
        Files.writeString(data.resolve("images/auth/test/amd64/default/20260101_00:00/metadata.json"), "{}");
        for (String team : List.of("team-a", "team-b")) {
            for (String version : List.of("20260101_00:00", "20260102_00:00")) {
                Path directory = data.resolve("images/" + team + "/test/amd64/default/" + version);
                Files.createDirectories(directory);
                Files.writeString(directory.resolve("metadata.json"), "{}");
            }
        }
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
                // Realm roles named for a scope grant it.
                row("container", "PUT", basic("carol", "carol pw"), 201, "\"created\""),
                row("container", "PUT", basic("dave", "dave pw"), 403, "user 'dave' may not upload images/auth/"),
                row("container", "DELETE", basic("carol", "carol pw"), 403, "user 'carol' may not delete"),
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

    static Stream<Arguments> scopedRequests() {
        String teamA = "images/team-a/test/amd64/default/";
        String teamB = "images/team-b/test/amd64/default/";
        return Stream.of(
                // user (password: filePassword(user); null: none), method, path, status, body must contain
                row("alice", "PUT", teamA + "20260301_00:00/metadata.json", 201, "\"created\""),
                row("alice", "PUT", teamA + "20260101_00:00/metadata.json", 200, "\"replaced\""),
                row("alice", "PUT", teamB + "20260301_00:00/metadata.json", 403,
                        "user 'alice' may not upload " + teamB + "20260301_00:00/metadata.json: it may create under "
                        + "images/team-a/; overwrite under images/team-a/; delete under images/team-a/"),
                // ALLOW_OVERWRITES and ALLOW_DELETES are on, and still team-b cannot touch team-a's images.
                row("bob", "PUT", teamA + "20260101_00:00/metadata.json", 403, "\"may_write\""),
                row("bob", "DELETE", teamA + "20260101_00:00", 403, "user 'bob' may not delete " + teamA),
                row("bob", "DELETE", teamA + "20260101_00:00/metadata.json", 403, "\"operation\" : \"delete\""),
                // A POST names its files in the body: refused when the file is committed, and nothing is kept.
                row("bob", "POST", teamA + "20260101_00:00/metadata.json", 403, "user 'bob' may not overwrite"),
                row("bob", "POST", teamA + "20260401_00:00/metadata.json", 403, "user 'bob' may not create"),
                row("bob", "POST", teamB + "20260401_00:00/metadata.json", 201, "\"created\""),
                row("bob", "DELETE", teamB + "20260102_00:00", 200, "\"deleted\""),
                row("alice", "DELETE", teamB + "20260101_00:00", 403, "user 'alice' may not delete"),
                row("uploader", "PUT", teamB + "20260501_00:00/metadata.json", 201, "\"created\""),
                row("carol", "PUT", teamA + "20260601_00:00/metadata.json", 401, "need the uploader's credentials"),
                row(null, "DELETE", teamA + "20260101_00:00", 401, "need the uploader's credentials"),
                row(null, "GET", "streams/v1/images.json", 200, "\"products:1.0\""));
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @MethodSource("scopedRequests")
    void writersOfTheAccessFileWriteOnlyInTheirScopes(String user, String method, String path, int status,
            String message) throws Exception {
        Path data = DATA.get("scoped");
        SortedMap<String, String> before = TreeSnapshot.withoutState(data);
        String target = "/" + (method.equals("POST") ? "images/" : path);
        String boundary = "scoped-writers-boundary";
        byte[] body = switch (method) {
            case "PUT" -> "{ }".getBytes(StandardCharsets.UTF_8);
            case "POST" -> ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\""
                    + path.substring("images/".length()) + "\"\r\n\r\n{\"aliases\": \"bobs\"}\r\n--" + boundary
                    + "--\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            default -> new byte[0];
        };
        RawHttp.Response response;
        try (RawHttp http = new RawHttp(SERVERS.get("scoped").port())) {
            http.send((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (user == null ? "" : "Authorization: " + basic(user, user.equals("uploader") ? PASSWORD
                    : filePassword(user)) + "\r\n")
                    + (method.equals("POST") ? "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n" : "")
                    + (body.length == 0 ? "" : "Content-Length: " + body.length + "\r\nExpect: 100-continue\r\n")
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
            // A refusal that the URL decides comes before the body; a POST's files are known only from it.
            if ((status < 300 || method.equals("POST")) && body.length > 0) {
                http.send(body);
            }
            response = http.read();
        }
        assertEquals(status, response.status(), response::toString);
        assertTrue(response.body().contains(message), () -> "expected '" + message + "' in " + response);
        if (status >= 400) {
            assertEquals(before, TreeSnapshot.withoutState(data), "a refused write changes nothing");
        }
        if (status == 403) {
            assertEquals(user, JSON.readTree(response.body()).at("/user").asText());
            assertFalse(response.body().contains(filePassword(user)), "no password in the answer");
        }
    }

    @Test
    void aChangedAccessFileTakesEffectAndOneThatCannotBeUsedKeepsThePreviousRules() throws Exception {
        String put = "images/team-a/test/amd64/default/20260701_00:00/metadata.json";
        int port = SERVERS.get("scoped").port();
        try (CapturedLog log = CapturedLog.of("dev.simplestreams.access")) {
            Files.writeString(ACCESS_FILE, teamsFile(Map.of("erin", "team-a")));
            Eventually.await("erin may write once the file names her", () -> uncheckedPut(port, put, "erin"),
                    status -> status == 201);
            Files.writeString(ACCESS_FILE, "{\"users\": {\"frank\": {\"password_hash\": \"frank pw\"}}}");
            JsonNode access = Eventually.await("/status reports the file that cannot be used",
                    () -> status(port).path("access"), node -> !node.path("problem").isNull());
            assertTrue(access.path("problem").asText().contains("users.frank.password_hash is not a salted PBKDF2 "
                    + "hash"), access::toString);
            assertEquals(3, access.path("users").asInt(), "the previous rules' users");
            assertEquals(200, uncheckedPut(port, put, "erin"), "the previous rules stay in force");
            String logged = log.records().stream().map(r -> r.getMessage()).reduce("", String::concat);
            assertTrue(logged.contains(ACCESS_FILE + " cannot be used: users.frank.password_hash"), logged);
            assertFalse(logged.contains("frank pw") || status(port).toString().contains("frank pw"),
                    "the value given as a hash may be a password: it is never repeated");
        } finally {
            Files.writeString(ACCESS_FILE, teamsFile(Map.of()));
            Eventually.await("the file's first version is back", () -> status(port).path("access").path("users")
                    .asInt(), users -> users == 2);
        }
    }

    private static JsonNode status(int port) {
        try {
            return JSON.readTree(RawHttp.exchange(port, "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    new byte[0]).body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int uncheckedPut(int port, String path, String user) {
        try {
            byte[] body = "{ }".getBytes(StandardCharsets.UTF_8);
            return RawHttp.exchange(port, "PUT /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + basic(user, filePassword(user)) + "\r\nContent-Length: " + body.length + "\r\n\r\n", body)
                    .status();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
