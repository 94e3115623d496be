package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload and delete API on a real Tomcat, driven by the real curl as the seed's users drive it. One
 * server with the seed's defaults plus deletes, one with overwrites on; every test uses its own product.
 */
class UploadIT {

    static final String AUTH = "uploader:s3cret pass";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    @TempDir
    static Path overwritingData;
    @TempDir
    static Path work;
    static TomcatServer server;
    static TomcatServer overwriting;

    @BeforeAll
    static void start() throws Exception {
        server = TomcatServer.start(data, Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", "s3cret pass",
                "ALLOW_DELETES", "1"));
        overwriting = TomcatServer.start(overwritingData, Map.of("UPLOAD_USER", "uploader",
                "UPLOAD_PASSWORD", "s3cret pass", "ALLOW_OVERWRITES", "yes"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        overwriting.close();
    }

    @Test
    void theSeedsCurlSequenceIsPublishedBeforeTheResponseArrives() throws Exception {
        String version = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd_HH:mm"));
        String dir = "ubuntu/xenial/amd64/default/" + version;
        byte[] meta = TestImages.metadata("ubuntu:xenial:amd64:default");
        byte[] root = TestImages.rootfs(3_000_000);
        Path metaFile = TestImages.file(work.resolve("seed"), "meta.tar.xz", meta);
        Path rootFile = TestImages.file(work.resolve("seed"), "rootfs.squashfs", root);

        Curl.Answer first = Curl.run("-u", AUTH, "-F", "upload=@" + metaFile + ";filename=" + dir + "/lxd.tar.xz",
                base(server) + "/images/");
        assertEquals(201, first.status(), first::toString);
        Curl.Answer second = Curl.run("-u", AUTH, "-F", "upload=@" + rootFile + ";filename=" + dir + "/rootfs.squashfs",
                base(server) + "/images/");
        assertEquals(201, second.status(), second::toString);

        String fingerprint = Digests.sha256(meta, root);
        JsonNode items = imagesJson(server).at("/products/ubuntu:xenial:amd64:default/versions/" + version + "/items");
        assertEquals(fingerprint, items.at("/lxd.tar.xz/combined_squashfs_sha256").asText(), items::toString);
        assertEquals(fingerprint, items.at("/incus.tar.xz/combined_squashfs_sha256").asText(), items::toString);
        assertEquals(Digests.sha256(root), items.at("/rootfs.squashfs/sha256").asText());
        assertEquals("images/" + dir + "/rootfs.squashfs", items.at("/rootfs.squashfs/path").asText());

        JsonNode answer = second.json();
        assertEquals("images/" + dir + "/rootfs.squashfs", answer.at("/files/0/path").asText(), answer::toString);
        assertEquals(root.length, answer.at("/files/0/size").asLong());
        assertEquals(Digests.sha256(root), answer.at("/files/0/sha256").asText());
        assertEquals("created", answer.at("/files/0/result").asText());
        assertTrue(answer.at("/versions/0/published").asBoolean(), answer::toString);
        assertEquals(fingerprint, answer.at("/versions/0/fingerprints/0").asText());
        assertTrue(answer.at("/versions/0/aliases").toString().contains("\"ubuntu/xenial\""), answer::toString);
        assertTrue(answer.at("/hint").asText().contains("once an hour"), answer::toString);
        assertTrue(first.json().at("/hint").isMissingNode(), "nothing published yet, nothing to wait for");
        JsonNode incomplete = first.json().at("/versions/0");
        assertFalse(incomplete.at("/published").asBoolean(true), first::toString);
        assertTrue(incomplete.at("/reason").asText().startsWith("incomplete: "), first::toString);
    }

    @Test
    void putWithCurlUploadFile() throws Exception {
        String dir = "images/debian/bookworm/arm64/cloud/20260101_10:00";
        byte[] meta = TestImages.metadata("debian:bookworm:arm64:cloud");
        byte[] root = RootFiles.rootTarXz(TestImages.rootfs(100_000));
        Curl.Answer first = Curl.run("-u", AUTH, "-T", TestImages.file(work.resolve("put"), "m", meta).toString(),
                base(server) + "/" + dir + "/incus.tar.xz");
        assertEquals(201, first.status(), first::toString);
        Curl.Answer second = Curl.run("-u", AUTH, "-T", TestImages.file(work.resolve("put"), "r", root).toString(),
                base(server) + "/" + dir + "/root.tar.xz");
        assertEquals(201, second.status(), second::toString);
        assertEquals(Digests.sha256(meta, root), second.json().at("/versions/0/fingerprints/0").asText(),
                second::toString);
        JsonNode items = imagesJson(server).at("/products/debian:bookworm:arm64:cloud/versions/20260101_10:00/items");
        assertEquals(Digests.sha256(meta, root), items.at("/incus.tar.xz/combined_rootxz_sha256").asText());
        assertArrayEquals(root, Files.readAllBytes(data.resolve(dir + "/root.tar.xz")));
    }

    @Test
    void severalFilesInOneRequestWithAnyFieldNamesAndMetadataJson() throws Exception {
        String dir = "alpine/3.21/amd64/default/20260102_08:30";
        byte[] meta = TestImages.metadata("alpine:3.21:amd64:default");
        byte[] root = TestImages.rootfs(200_000);
        byte[] overrides = ("{\"os\": \"Alpine\", \"release_title\": \"3.21 stable\", "
                + "\"aliases\": [\"alp\", \"alp/edge\"]}").getBytes(StandardCharsets.UTF_8);
        Path in = work.resolve("multi");
        Curl.Answer answer = Curl.run("-u", AUTH,
                "-F", "a=@" + TestImages.file(in, "1", meta) + ";filename=" + dir + "/lxd.tar.xz",
                "-F", "note=not a file, ignored",
                "-F", "b=@" + TestImages.file(in, "2", root) + ";filename=" + dir + "/rootfs.squashfs",
                "-F", "whatever=@" + TestImages.file(in, "3", overrides) + ";filename=" + dir + "/metadata.json",
                base(server) + "/images/");
        assertEquals(201, answer.status(), answer::toString);
        JsonNode body = answer.json();
        assertEquals(3, body.at("/files").size(), answer::toString);
        assertEquals(1, body.at("/versions").size(), answer::toString);
        assertEquals("[\"alpine/3.21/amd64/default\",\"alpine/3.21/default\",\"alpine/3.21\",\"alp\",\"alp/edge\"]",
                body.at("/versions/0/aliases").toString(), answer::toString);
        JsonNode product = imagesJson(server).at("/products/alpine:3.21:amd64:default");
        assertEquals("alpine/3.21/amd64/default,alpine/3.21/default,alpine/3.21,alp,alp/edge",
                product.at("/aliases").asText(), "metadata.json's aliases come after the default ones");
        assertEquals("Alpine", product.at("/os").asText());
        assertEquals("3.21 stable", product.at("/release_title").asText());
    }

    @Test
    void aPostToAVersionDirectoryTakesBareFileNames() throws Exception {
        String dir = "images/fedora/41/amd64/default/20260103_00:00";
        byte[] meta = TestImages.metadata("fedora:41:amd64:default");
        byte[] root = TestImages.rootfs(50_000);
        Path in = work.resolve("dirpost");
        Curl.Answer answer = Curl.run("-u", AUTH,
                "-F", "f=@" + TestImages.file(in, "lxd.tar.xz", meta),
                "-F", "f=@" + TestImages.file(in, "rootfs.squashfs", root),
                base(server) + "/" + dir + "/");
        assertEquals(201, answer.status(), answer::toString);
        assertEquals(dir + "/rootfs.squashfs", answer.json().at("/files/1/path").asText(), answer::toString);
        assertTrue(answer.json().at("/versions/0/published").asBoolean(), answer::toString);
    }

    @Test
    void withoutADirectoryTheImageIsPlacedByItsMetadata() throws Exception {
        byte[] meta = TestImages.metadata("rocky:9:amd64:cloud");
        byte[] root = TestImages.rootfs(60_000);
        Path in = work.resolve("placed");
        // The names `lxc image export` writes, renamed on the way as the README shows.
        Curl.Answer answer = Curl.run("-u", AUTH,
                "-F", "upload=@" + TestImages.file(in, "meta-1a2b.tar.xz", meta) + ";filename=lxd.tar.xz",
                "-F", "upload=@" + TestImages.file(in, "1a2b.squashfs", root) + ";filename=rootfs.squashfs",
                base(server) + "/images/");
        assertEquals(201, answer.status(), answer::toString);
        // Trees' metadata says x86_64, created 2025-11-25 00:00 UTC: the directory says amd64.
        String dir = "images/rocky/9/amd64/cloud/20251125_00:00";
        assertEquals(dir + "/lxd.tar.xz", answer.json().at("/files/0/path").asText(), answer::toString);
        assertEquals("placed by its metadata.yaml", answer.json().at("/files/0/note").asText());
        assertEquals(dir + "/rootfs.squashfs", answer.json().at("/files/1/path").asText());
        assertEquals(Digests.sha256(meta, root), answer.json().at("/versions/0/fingerprints/0").asText());

        byte[] unified = Trees.unifiedTarGz(Trees.metadataYaml("aarch64", "busybox", "1.36", "default"),
                TestImages.rootfs(1000));
        Curl.Answer put = Curl.run("-u", AUTH, "-T", TestImages.file(in, "u.tar.gz", unified).toString(),
                base(server) + "/images/unified.tar.gz");
        assertEquals(201, put.status(), put::toString);
        assertEquals("images/busybox/1.36/arm64/default/20251125_00:00/unified.tar.gz",
                put.json().at("/files/0/path").asText(), put::toString);
        assertEquals(Digests.sha256(unified), put.json().at("/versions/0/fingerprints/0").asText(), put::toString);

        Curl.Answer orphan = Curl.run("-u", AUTH,
                "-F", "r=@" + TestImages.file(in, "x", root) + ";filename=rootfs.squashfs", base(server) + "/images/");
        assertEquals(400, orphan.status(), orphan::toString);
        assertTrue(orphan.json().at("/error").asText().contains("send lxd.tar.xz first"), orphan::toString);
    }

    @Test
    void withOverwritesOffDifferentBytesAreStoredAsideAndTheOriginalStaysPublished() throws Exception {
        String dir = "images/centos/9/amd64/default/20260104_00:00";
        byte[] meta = TestImages.metadata("centos:9:amd64:default");
        byte[] root = TestImages.rootfs(70_000);
        putFile(server, dir + "/lxd.tar.xz", meta);
        putFile(server, dir + "/rootfs.squashfs", root);
        String published = imagesJson(server).toString();

        Curl.Answer same = putFile(server, dir + "/rootfs.squashfs", root);
        assertEquals(200, same.status(), same::toString);
        assertEquals("unchanged", same.json().at("/files/0/result").asText(), same::toString);

        byte[] other = TestImages.rootfs(70_000);
        Curl.Answer aside = putFile(server, dir + "/rootfs.squashfs", other);
        assertEquals(409, aside.status(), aside::toString);
        JsonNode file = aside.json().at("/files/0");
        assertEquals("stored_aside", file.at("/result").asText());
        assertEquals(dir + "/rootfs.squashfs", file.at("/requested").asText());
        String asidePath = file.at("/path").asText();
        assertTrue(asidePath.startsWith(dir + "/rootfs.squashfs.conflict-"), asidePath);
        assertTrue(file.at("/note").asText().contains("ALLOW_OVERWRITES"), file::toString);
        assertTrue(file.at("/note").asText().contains("curl -X DELETE .../" + dir + "/rootfs.squashfs"),
                "deletes are on here, so deleting is the advice: " + file);
        assertTrue(aside.json().at("/versions/0/published").asBoolean(), aside::toString);

        assertArrayEquals(root, Files.readAllBytes(data.resolve(dir + "/rootfs.squashfs")));
        assertArrayEquals(other, Files.readAllBytes(data.resolve(asidePath)));
        assertEquals(published, imagesJson(server).toString(), "the catalogue is unchanged");

        Curl.Answer removed = Curl.run("-u", AUTH, "-X", "DELETE", base(server) + "/" + asidePath);
        assertEquals(200, removed.status(), removed::toString);
        assertFalse(Files.exists(data.resolve(asidePath)), "the copy kept aside can be deleted");
        assertEquals(published, imagesJson(server).toString(), "and the catalogue is still unchanged");
    }

    @Test
    void withOverwritesOnTheFileIsReplacedAndRepublished() throws Exception {
        String dir = "images/arch/current/amd64/default/20260105_00:00";
        byte[] meta = TestImages.metadata("arch:current:amd64:default");
        byte[] root = TestImages.rootfs(80_000);
        putFile(overwriting, dir + "/lxd.tar.xz", meta);
        putFile(overwriting, dir + "/rootfs.squashfs", root);
        Curl.Answer same = putFile(overwriting, dir + "/rootfs.squashfs", root);
        assertEquals("unchanged", same.json().at("/files/0/result").asText(), same::toString);

        byte[] newer = TestImages.rootfs(80_000);
        Curl.Answer replaced = putFile(overwriting, dir + "/rootfs.squashfs", newer);
        assertEquals(200, replaced.status(), replaced::toString);
        assertEquals("replaced", replaced.json().at("/files/0/result").asText());
        assertEquals(Digests.sha256(meta, newer), replaced.json().at("/versions/0/fingerprints/0").asText());
        assertEquals(Digests.sha256(meta, newer), imagesJson(overwriting)
                .at("/products/arch:current:amd64:default/versions/20260105_00:00/items/lxd.tar.xz")
                .at("/combined_squashfs_sha256").asText());
        assertArrayEquals(newer, Files.readAllBytes(overwritingData.resolve(dir + "/rootfs.squashfs")));
        try (Stream<Path> files = Files.list(overwritingData.resolve(dir))) {
            assertEquals(2, files.count(), "no temporaries or copies left");
        }
    }

    @Test
    void deleteRemovesOneFileOrOneVersionDirectory() throws Exception {
        String product = "images/gentoo/current/amd64/default";
        String dir = product + "/20260106_00:00";
        putFile(server, dir + "/lxd.tar.xz", TestImages.metadata("gentoo:current:amd64:default"));
        putFile(server, dir + "/rootfs.squashfs", TestImages.rootfs(10_000));

        Curl.Answer file = Curl.run("-u", AUTH, "-X", "DELETE", base(server) + "/" + dir + "/rootfs.squashfs");
        assertEquals(200, file.status(), file::toString);
        assertEquals(dir + "/rootfs.squashfs", file.json().at("/deleted").asText());
        assertFalse(file.json().at("/version/published").asBoolean(true), file::toString);
        assertTrue(file.json().at("/version/reason").asText().startsWith("incomplete"), file::toString);

        Curl.Answer missing = Curl.run("-u", AUTH, "-X", "DELETE", base(server) + "/" + dir + "/rootfs.squashfs");
        assertEquals(404, missing.status(), missing::toString);

        for (String above : new String[] {"images/", "images", product, product + "/", "images/gentoo"}) {
            Curl.Answer refused = Curl.run("-u", AUTH, "-X", "DELETE", base(server) + "/" + above);
            assertEquals(400, refused.status(), above + ": " + refused);
            assertTrue(refused.json().at("/error").asText().contains("only a version directory"), refused::toString);
        }
        assertTrue(Files.isRegularFile(data.resolve(dir + "/lxd.tar.xz")));

        Curl.Answer version = Curl.run("-u", AUTH, "-X", "DELETE", base(server) + "/" + dir + "/");
        assertEquals(200, version.status(), version::toString);
        assertFalse(Files.exists(data.resolve(dir)));
        assertTrue(Files.isDirectory(data.resolve(product)), "nothing above the version directory is touched");
        assertTrue(imagesJson(server).at("/products/gentoo:current:amd64:default").isMissingNode());
    }

    @Test
    void deleteIsRefusedUnlessAllowDeletesIsSet() throws Exception {
        String dir = "images/void/current/amd64/default/20260107_00:00";
        putFile(overwriting, dir + "/lxd.tar.xz", TestImages.metadata("void:current:amd64:default"));
        Curl.Answer refused = Curl.run("-u", AUTH, "-X", "DELETE", base(overwriting) + "/" + dir);
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(refused.json().at("/error").asText().contains("ALLOW_DELETES"), refused::toString);
        assertTrue(Files.isRegularFile(overwritingData.resolve(dir + "/lxd.tar.xz")));
    }

    static Curl.Answer putFile(TomcatServer target, String path, byte[] content) {
        Path file = TestImages.file(work.resolve("puts"), Integer.toHexString(path.hashCode()) + "-"
                + Digests.sha256(content).substring(0, 12), content);
        return Curl.run("-u", AUTH, "-T", file.toString(), base(target) + "/" + path);
    }

    static String base(TomcatServer target) {
        return "http://127.0.0.1:" + target.port();
    }

    /** The first catalogue is built in the background after startup. */
    static void waitForProduct(TomcatServer target, String product) throws Exception {
        Eventually.await(product + " in the catalogue", () -> imagesJson(target),
                images -> !images.at("/products/" + product).isMissingNode());
    }

    static JsonNode imagesJson(TomcatServer target) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(target.uri("/streams/v1/images.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 503 ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
