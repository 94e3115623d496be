package dev.simplestreams.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.CapturedLog;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.Gpg;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server given a key made by Debian's gpg publishes index.sjson and images.sjson that Debian's gpgv accepts
 * with the exported public key, of exactly the documents served beside them, after every change; a key it
 * cannot use stops the start with the reason, and the passphrase is never shown.
 */
class SignedCatalogIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSPHRASE = "a passphrase from a Kubernetes Secret";
    private static final String WRONG = "a wrong passphrase";

    @TempDir
    static Path keys;
    private static Gpg gpg;
    private static String fingerprint;
    private static Path keyring;

    @TempDir
    Path data;

    @BeforeAll
    static void makeKey() throws Exception {
        gpg = Gpg.in(keys);
        fingerprint = gpg.generateKey("Images <images@example.com>", PASSPHRASE);
        keyring = Files.write(keys.resolve("key.gpg"), gpg.exportPublicKey(fingerprint));
        Files.write(keys.resolve("signing.asc"), gpg.exportSecretKey(fingerprint, PASSPHRASE));
        Files.write(keys.resolve("public.asc"), gpg.exportPublicKey(fingerprint));
        Files.writeString(keys.resolve("not-a-key.txt"), "hello\n");
        Files.writeString(keys.resolve("passphrase"), PASSPHRASE);
        Files.writeString(keys.resolve("wrong-passphrase"), WRONG + "\n");
    }

    @AfterAll
    static void stopAgent() {
        gpg.close();
    }

    @Test
    void everyPublishedStateIsSignedAndGpgvAcceptsIt() throws Exception {
        Trees.splitImage(data, "alpine:3.20:amd64:default", "20261101_00:00", RootFiles.squashfs(new byte[] {1}));
        Trees.settled(data);
        try (TomcatServer server = TomcatServer.start(data, Map.of(
                "SIGNING_KEY", keys.resolve("signing.asc").toString(),
                "SIGNING_KEY_PASSPHRASE_FILE", keys.resolve("passphrase").toString()))) {
            awaitCatalogue(server);
            assertSignedAsServed(server, 1);

            Trees.splitImage(data, "alpine:3.20:amd64:default", "20261102_00:00", RootFiles.squashfs(new byte[] {2}));
            Eventually.await("the second version published", () -> versions(server), n -> n == 2);
            assertSignedAsServed(server, 2);

            JsonNode status = JSON.readTree(get(server, "/status").body());
            assertEquals(fingerprint, status.at("/signing/fingerprint").asText(), status.toString());
            assertTrue(get(server, "/").body().contains("<code id=\"signing-key\">" + fingerprint + "</code>"));
        }
    }

    @Test
    void oneChangedByteMakesGpgvRefuseTheSignedCatalogue() throws Exception {
        try (TomcatServer server = TomcatServer.start(data, Map.of(
                "SIGNING_KEY", keys.resolve("signing.asc").toString(),
                "SIGNING_KEY_PASSPHRASE_FILE", keys.resolve("passphrase").toString()))) {
            awaitCatalogue(server);
            byte[] signed = bytes(server, "/streams/v1/index.sjson");
            int at = new String(signed, StandardCharsets.UTF_8).indexOf("index:1.0");
            signed[at] = 'I';
            Path tampered = Files.write(data.resolve("tampered.sjson"), signed);

            CommandResult verified = gpg.gpgv(keyring, tampered);

            assertFalse(verified.ok(), verified::describe);
            assertTrue(verified.stderr().contains("BAD signature"), verified.stderr());
        }
    }

    @Test
    void withoutAKeyTheSignedDocumentsAreNotFound() throws Exception {
        try (TomcatServer server = TomcatServer.start(data, Map.of())) {
            awaitCatalogue(server);
            HttpResponse<String> answer = get(server, "/streams/v1/index.sjson");
            assertEquals(404, answer.statusCode());
            assertTrue(answer.body().contains("SIGNING_KEY"), answer.body());
            assertFalse(Files.exists(data.resolve("streams/v1/index.sjson")));
            assertFalse(JSON.readTree(get(server, "/status").body()).at("/signing/signed").asBoolean());
        }
    }

    static Stream<Arguments> unusableKeys() {
        return Stream.of(
                Arguments.of("missing file", "missing.asc", "passphrase", "does not exist"),
                Arguments.of("not a key", "not-a-key.txt", null, "is not an OpenPGP secret key"),
                Arguments.of("wrong passphrase", "signing.asc", "wrong-passphrase", "the passphrase does not unlock"),
                Arguments.of("public key only", "public.asc", "passphrase", "holds only the public key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableKeys")
    void anUnusableKeyStopsTheStartSayingWhich(String what, String key, String passphrase, String reason) {
        Map<String, String> settings = passphrase == null
                ? Map.of("SIGNING_KEY", keys.resolve(key).toString())
                : Map.of("SIGNING_KEY", keys.resolve(key).toString(),
                        "SIGNING_KEY_PASSPHRASE_FILE", keys.resolve(passphrase).toString());
        try (CapturedLog log = CapturedLog.of("")) {
            assertThrows(IllegalStateException.class, () -> TomcatServer.start(data, settings).close());

            String logged = String.join("\n", log.records().stream().map(SignedCatalogIT::text).toList());
            assertTrue(logged.contains("SIGNING_KEY: ") && logged.contains(reason), logged);
            assertFalse(logged.contains(PASSPHRASE) || logged.contains(WRONG), logged);
        }
        assertFalse(Files.exists(data.resolve("streams/v1/index.json")), "nothing was published");
    }

    /** The served .sjson documents verify, are the ones on disk, and sign exactly the .json served beside them. */
    private void assertSignedAsServed(TomcatServer server, int versions) throws Exception {
        byte[] index = bytes(server, "/streams/v1/index.json");
        byte[] images = bytes(server, "/streams/v1/images.json");
        byte[] indexSigned = bytes(server, "/streams/v1/index.sjson");
        byte[] imagesSigned = bytes(server, "/streams/v1/images.sjson");
        assertEquals(versions, JSON.readTree(images).at("/products/alpine:3.20:amd64:default/versions").size());
        for (String name : new String[] {"index.sjson", "images.sjson"}) {
            Path file = data.resolve("streams/v1/" + name);
            assertArrayEquals(name.startsWith("index") ? indexSigned : imagesSigned, Files.readAllBytes(file));
            CommandResult verified = gpg.gpgv(keyring, file);
            assertTrue(verified.ok(), verified::describe);
        }
        assertArrayEquals(images, signedText(data.resolve("streams/v1/images.sjson")));
        // The signed index names the signed products document, as simplestreams' signing tools write it.
        JsonNode signedIndex = JSON.readTree(signedText(data.resolve("streams/v1/index.sjson")));
        JsonNode plainIndex = JSON.readTree(index);
        assertEquals("streams/v1/images.sjson", signedIndex.at("/index/images/path").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) plainIndex.at("/index/images")).put("path",
                "streams/v1/images.sjson");
        assertEquals(plainIndex, signedIndex);
    }

    /** What gpg takes out of a clear-signed file, without the line ending gpg adds after the last line. */
    private static byte[] signedText(Path signed) {
        byte[] text = gpg.signedText(signed);
        return Arrays.copyOf(text, text.length - 1);
    }

    /** The catalogue is served once its files are written and the state swapped in: wait for the servlet. */
    private static void awaitCatalogue(TomcatServer server) {
        Eventually.await("the first catalogue served", () -> {
            try {
                return get(server, "/streams/v1/index.json").statusCode();
            } catch (Exception e) {
                return -1;
            }
        }, status -> status == 200);
    }

    private static int versions(TomcatServer server) {
        try {
            return JSON.readTree(bytes(server, "/streams/v1/images.json"))
                    .at("/products/alpine:3.20:amd64:default/versions").size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String text(LogRecord record) {
        StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(" | ").append(t);
        }
        return text.toString();
    }

    private static byte[] bytes(TomcatServer server, String path) throws Exception {
        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode(), path);
        return answer.body();
    }

    private static HttpResponse<String> get(TomcatServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
