package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Files that are not what their name says, uploaded with PUT into a version that holds a good metadata tarball:
 * every row is a 400 whose message says what the bytes are and what was expected, and the tree is unchanged
 * (no file, no temporary, no new directory). A text file uploaded as rootfs.squashfs was once published.
 */
class UploadContentIT {

    private static final String DIR = "images/ubuntu/jammy/amd64/default/20260101_00:00/";
    private static final String EMPTY_DIR = "images/ubuntu/jammy/amd64/default/20260102_00:00/";
    private static final String AUTH = "Basic "
            + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path data;
    private static TomcatServer server;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("content-").resolve("data");
        Path version = data.resolve(DIR);
        Files.createDirectories(version);
        Files.write(version.resolve("lxd.tar.xz"), Trees.metadataTarXz(Trees.metadataYaml("x86_64", "ubuntu", "jammy",
                "default")));
        server = TomcatServer.start(data, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p", "ALLOW_OVERWRITES", "1"));
        Trees.awaitFirstCatalogue(data);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> badFiles() throws Exception {
        byte[] squashfs = RootFiles.squashfs(new byte[5000]);
        byte[] qcow2 = RootFiles.qcow2(new byte[5000]);
        byte[] tarXz = RootFiles.rootTarXz(new byte[200_000]);
        byte[] text = "hello\n".getBytes(StandardCharsets.UTF_8);
        byte[] html = "<!DOCTYPE html><html><body>404 Not Found</body></html>".getBytes(StandardCharsets.UTF_8);
        byte[] gzip = Trees.unifiedTarGz(Trees.metadataYaml("x86_64", "u", "j", "default"), new byte[10]);
        return Stream.of(
                // name, bytes, the error must contain
                row("rootfs.squashfs", new byte[0], "rootfs.squashfs is empty"),
                row("rootfs.squashfs", text, "is a text file (starting 'hello'), not a squashfs filesystem"),
                row("rootfs.squashfs", qcow2, "is a qcow2 disk image, not a squashfs filesystem"),
                row("rootfs.squashfs", Arrays.copyOf(squashfs, 3000), "is cut short: its superblock says 5096 bytes"),
                row("rootfs.squashfs", Arrays.copyOf(squashfs, 50), "less than a squashfs superblock"),
                row("disk.qcow2", html, "is an HTML page (starting '<!DOCTYPE html>"),
                row("disk.qcow2", squashfs, "is a squashfs filesystem, not a qcow2 disk image"),
                row("disk.qcow2", Arrays.copyOf(qcow2, 1000), "is cut short: its qcow2 header points 1536 bytes in"),
                row("root.tar.xz", gzip, "is a gzip-compressed file, not an xz-compressed tarball"),
                row("root.tar.xz", Arrays.copyOf(tarXz, tarXz.length - 20), "the xz stream has no end"),
                row("root.tar.xz", xz(text), "is xz-compressed but holds no tar archive"),
                row("rootfs.20251231_00:00.vcdiff", text, "not a VCDIFF delta"),
                row("lxd.tar.xz", squashfs, "lxd.tar.xz: "),
                row("incus.tar.xz", Trees.metadataTarXz(Trees.metadataYaml("aarch64", "ubuntu", "jammy", "default")),
                        "metadata.yaml says architecture 'aarch64' but the directory says 'amd64'; upload it under arm64/"),
                row("unified.tar.gz", gzip(text), "unified.tar.gz: "),
                row("metadata.json", "{\"requirments\": {}}".getBytes(StandardCharsets.UTF_8),
                        "metadata.json: unknown key 'requirments' (known: aliases, default_aliases"),
                row("metadata.json", "{\"support_eol\": \"2027-02-30\"}".getBytes(StandardCharsets.UTF_8),
                        "'support_eol' must be a date like \"2027-04-30\""),
                row("metadata.json", "{\"requirements\": {\"secureboot\": [false]}}".getBytes(StandardCharsets.UTF_8),
                        "requirement 'secureboot' must be named"));
    }

    @ParameterizedTest(name = "PUT {0} holding {2} -> 400")
    @MethodSource("badFiles")
    void aFileThatIsNotWhatItsNameSaysIsRefusedAndNothingIsStored(String name, byte[] bytes, String message)
            throws Exception {
        for (String dir : new String[] {DIR, EMPTY_DIR}) {
            SortedMap<String, String> before = TreeSnapshot.withoutState(data);
            HttpResponse<String> response = put(dir + name, bytes);
            assertEquals(400, response.statusCode(), response::body);
            JsonNode body = JSON.readTree(response.body());
            String error = body.at("/error").asText();
            assertTrue(error.contains(message), () -> "expected '" + message + "' in " + error);
            assertTrue(error.endsWith("; nothing was stored"), error);
            assertEquals(before, TreeSnapshot.withoutState(data), "nothing stored, no temporary, no new directory");
        }
    }

    @Test
    void requirementsAndEndOfSupportFromAnUploadedMetadataJsonArePublished() throws Exception {
        HttpResponse<String> root = put(DIR + "disk.qcow2", RootFiles.qcow2(new byte[4096]));
        assertEquals(201, root.statusCode(), root::body);
        HttpResponse<String> json = put(DIR + "metadata.json", ("{\"requirements\": {\"secureboot\": \"false\"}, "
                + "\"support_eol\": \"2031-06-30\", \"release_codename\": \"Jammy Jellyfish\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(201, json.statusCode(), json::body);
        assertFalse(JSON.readTree(json.body()).at("/versions/0/notes").isArray(), json::body);

        JsonNode product = UploadIT.imagesJson(server).at("/products/ubuntu:jammy:amd64:default");
        assertEquals("false", product.at("/requirements/secureboot").asText(), product::toString);
        assertEquals("false", product.at("/lxd_requirements/secureboot").asText(), product::toString);
        assertEquals("2031-06-30", product.at("/support_eol").asText());
        assertEquals("Jammy Jellyfish", product.at("/release_codename").asText());
    }

    private static HttpResponse<String> put(String path, byte[] bytes) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/" + path))
                .header("Authorization", AUTH)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] xz(byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options())) {
            xz.write(content);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
