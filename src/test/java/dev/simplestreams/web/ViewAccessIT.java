package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.access.PasswordHashes;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who reads what through views, on a real Tomcat: (user or token, path) -> status, and that nothing anyone may
 * ask anonymously (/status, /metrics, the page, error answers) names a product of a private view.
 */
class ViewAccessIT {

    static final String TOKEN = "9b6f0c2e41d84a7f8e35c1d0b2a97e64f3c815d2";
    static final String VERSION = "20261101_10:00";
    static final ObjectMapper JSON = new ObjectMapper();
    static TomcatServer server;
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("views-");
        // alpha in view team-a (by filter), beta in view team-b (by prefix), gamma in no view.
        for (String release : List.of("alpha", "beta", "gamma")) {
            Path version = data.resolve("images/busybox/" + release + "/amd64/default/" + VERSION);
            TestImages.file(version, "lxd.tar.xz", TestImages.metadata("busybox:" + release + ":amd64:default"));
            TestImages.file(version, "rootfs.squashfs", TestImages.rootfs(4096));
        }
        Trees.settled(data);
        Path accessFile = data.resolve("../" + data.getFileName() + "-access.json").normalize();
        Files.writeString(accessFile, JSON.writeValueAsString(Map.of(
                "users", Map.of(
                        "reader-a", Map.of("password_hash", PasswordHashes.hash("a-secret"),
                                "roles", List.of("team-a")),
                        "reader-b", Map.of("password_hash", PasswordHashes.hash("b-secret"))),
                "views", Map.of(
                        "team-a", Map.of("roles", List.of("team-a"), "images", List.of(Map.of("release", "alpha")),
                                "token_sha256", List.of(Sha256.hex(TOKEN.getBytes(StandardCharsets.UTF_8)))),
                        "team-b", Map.of("users", List.of("reader-b"), "under", List.of("images/busybox/beta/")),
                        "everything", Map.of("public", true)))));
        server = TomcatServer.start(data, Map.of("ACCESS_FILE", accessFile.toString(), "LOGIN_FAILURES_ALLOWED", "0"));
        Trees.awaitFirstCatalogue(data);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> requests() {
        String alpha = "images/busybox/alpha/amd64/default/" + VERSION + "/rootfs.squashfs";
        String beta = "images/busybox/beta/amd64/default/" + VERSION + "/rootfs.squashfs";
        String gamma = "images/busybox/gamma/amd64/default/" + VERSION + "/rootfs.squashfs";
        return Stream.of(
                // user (password: its last letter + "-secret"; null: none), path, status, body must contain
                row("reader-a", "v/team-a/streams/v1/images.json", 200, "busybox:alpha:amd64:default"),
                row("reader-a", "v/team-a/streams/v1/index.json", 200, "\"streams/v1/images.json\""),
                row("reader-a", "v/team-a/" + alpha, 200, ""),
                row(null, "t/" + TOKEN + "/streams/v1/images.json", 200, "busybox:alpha:amd64:default"),
                row(null, "t/" + TOKEN + "/" + alpha, 200, ""),
                row("reader-b", "v/team-b/" + beta, 200, ""),
                row(null, "streams/v1/images.json", 200, "busybox:gamma:amd64:default"),
                row(null, gamma, 200, ""),
                // A public view of everything shows private products too: the operator said so.
                row(null, "v/everything/" + beta, 200, ""),
                // Guessed paths answer as a file that does not exist.
                row(null, alpha, 404, "\"status\""),
                row("reader-a", alpha, 404, "\"status\""),
                row("reader-a", "v/team-a/" + beta, 404, "\"status\""),
                row(null, "t/" + TOKEN + "/" + beta, 404, "\"status\""),
                row(null, "t/" + TOKEN + "0/streams/v1/index.json", 404, "\"status\""),
                row("reader-a", "v/team-b/" + beta, 404, "\"status\""),
                row("reader-a", "v/team-b/streams/v1/index.json", 404, "\"status\""),
                row("reader-a", "v/no-such-view/streams/v1/index.json", 404, "\"status\""),
                row("reader-a", "v/team-a/streams/v1/other.json", 404, "no such catalogue document"),
                // Without credentials every name asks for them: the answer does not tell which views exist.
                row(null, "v/team-b/streams/v1/index.json", 401, "this catalogue is private"),
                row(null, "v/team-a/", 401, "this catalogue is private"),
                // A view's own URL is its page, for its readers only.
                row("reader-a", "v/team-a/", 200, "<h1>Images of view team-a on 127.0.0.1</h1>"),
                row(null, "t/" + TOKEN + "/", 200, "<h1>Images of view team-a on 127.0.0.1</h1>"),
                row("reader-a", "v/team-a", 302, ""),
                row("reader-b", "v/team-a/", 404, "\"status\""),
                row(null, "v/no-such-view/streams/v1/index.json", 401, "this catalogue is private"),
                row("reader-b", "v/team-a/streams/v1/index.json", 404, "\"status\""));
    }

    @ParameterizedTest(name = "{0} GET /{1} -> {2}")
    @MethodSource("requests")
    void aReaderGetsItsViewsAndNothingElse(String user, String path, int status, String body) throws Exception {
        RawHttp.Response response = get(user, path);
        assertEquals(status, response.status(), response::toString);
        assertTrue(response.body().contains(body), () -> "expected '" + body + "' in " + response);
        if (status != 200) {
            assertFalse(response.body().contains("alpha") || response.body().contains("beta"), response::toString);
        }
        if (status == 401) {
            assertTrue(response.headers().get("www-authenticate").startsWith("Basic realm="), response::toString);
        }
    }

    @Test
    void whatAnyoneMayAskAnonymouslyNamesNoPrivateProduct() throws Exception {
        for (String path : List.of("", "status", "metrics", "streams/v1/index.json", "streams/v1/images.json")) {
            RawHttp.Response response = get(null, path);
            assertEquals(200, response.status(), response::toString);
            assertFalse(response.body().contains("alpha") || response.body().contains("beta"),
                    () -> "/" + path + " names a private product: " + response);
        }
        assertTrue(get(null, "").body().contains("gamma"), "the page still shows the public product");
        assertEquals(1, JSON.readTree(get(null, "status").body()).at("/catalogue/products").asInt());
        assertEquals(3, JSON.readTree(get(null, "status").body()).at("/access/views").asInt());
    }

    @Test
    void aViewsPageShowsItsImagesAndHowToAddItToItsReadersOnly() throws Exception {
        RawHttp.Response byName = get("reader-a", "v/team-a/");
        assertTrue(byName.body().contains(">alpha<"), byName::toString);
        assertFalse(byName.body().contains("beta") || byName.body().contains("gamma"), byName::toString);
        assertTrue(byName.body().contains("lxc remote add team-a http://USER:PASSWORD@127.0.0.1/v/team-a/ "
                + "--protocol=simplestreams"), byName::toString);
        assertEquals("private, no-store", byName.headers().get("cache-control"));
        assertFalse(byName.body().contains(TOKEN), "a reader by name is not shown the view's token");

        RawHttp.Response byToken = get(null, "t/" + TOKEN + "/");
        assertTrue(byToken.body().contains("incus remote add team-a http://127.0.0.1/t/" + TOKEN + "/ "
                + "--protocol=simplestreams"), byToken::toString);
        assertEquals("private, no-store", byToken.headers().get("cache-control"));

        assertEquals("team-a/", get("reader-a", "v/team-a").headers().get("location"),
                "the page's relative links need the view's directory");
    }

    private static RawHttp.Response get(String user, String path) throws Exception {
        String authorization = user == null ? "" : "Authorization: Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + user.charAt(user.length() - 1) + "-secret").getBytes(StandardCharsets.UTF_8)) + "\r\n";
        return RawHttp.exchange(server.port(), "GET /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization
                + "Connection: close\r\n\r\n", new byte[0]);
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
