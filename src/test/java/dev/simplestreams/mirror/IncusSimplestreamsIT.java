package dev.simplestreams.mirror;

import static dev.simplestreams.mirror.Downstream.await;
import static dev.simplestreams.mirror.Downstream.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.TestCa;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tree written at test time by Incus's own {@code incus-simplestreams add} (a container, and a VM whose
 * metadata tarball differs but whose creation date is the same), served as static files by nginx with a private
 * CA, mirrored by an instance of the WAR. What the tool writes: ids {@code os:release:variant:arch}, versions
 * {@code YYYYMMDDHHMM}, flat {@code images/<sha256 of the metadata tarball>.*} files, and both images merged
 * into one version whose single metadata item is the container's, so the VM fingerprint it lists belongs to
 * a tarball the catalogue does not name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncusSimplestreamsIT {

    private static final String ARCH = ImageFactory.hostArch();
    private static final long CREATED = 1_704_067_200L; // 2024-01-01 00:00 UTC
    private static final String UPSTREAM_ID = "testos:1.0:default:" + ARCH;
    private static final String UPSTREAM_VERSION = "202401010000";
    private static final String LOCAL_ID = "testos:1.0:" + ARCH + ":default";
    private static final String LOCAL_VERSION = "20240101_00:00";
    private static final ObjectMapper JSON = Downstream.JSON;

    private Path work;
    private Path tree;
    private Path containerMeta;
    private Path squashfs;
    private TestCa ca;
    private NginxTlsProxy upstreamTls;
    private TomcatServer downstream;
    private NginxTlsProxy downstreamTls;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("incus-simplestreams-it");
        tree = Files.createDirectories(work.resolve("tree"));
        Path rootfs = ImageFactory.rootfsDir(work.resolve("rootfs"));
        containerMeta = ImageFactory.metadataTarball(work.resolve("container.tar.xz"), ARCH, "testos", "1.0",
                "default", "testos container", CREATED, LOCAL_VERSION);
        squashfs = ImageFactory.squashfs(rootfs, work.resolve("root.squashfs"));
        Path vmMeta = ImageFactory.metadataTarball(work.resolve("vm.tar.xz"), ARCH, "testos", "1.0", "default",
                "testos vm", CREATED, LOCAL_VERSION);
        Path disk = ImageFactory.qcow2(work.resolve("disk.qcow2"));
        add(tree, containerMeta, squashfs);
        add(tree, vmMeta, disk);
        assertEquals(Digests.sha256(vmMeta, disk), upstreamItems().at("/incus.tar.xz/combined_disk-kvm-img_sha256")
                .asText(), "the tool lists the VM's fingerprint under the container's metadata item");

        ca = TestCa.create(work.resolve("ca"));
        upstreamTls = NginxTlsProxy.serveDirectory(work.resolve("nginx-up"), ca, tree);
        Path config = work.resolve("mirror.yaml");
        Files.writeString(config, """
                ca_file: %s
                remotes:
                  - name: incus
                    url: %s/
                    images:
                      - {os: [testos, otheros]}
                """.formatted(ca.caCert(), upstreamTls.httpsUrl()));
        downstream = TomcatServer.start(work.resolve("downstream"), Map.of("MIRROR_CONFIG", config.toString(),
                "UPLOAD_USER", Downstream.USER, "UPLOAD_PASSWORD", Downstream.PASSWORD, "INDEX_QUIET_MS", "100"));
        await(downstream.uri("/streams/v1/images.json"), body -> body.contains(LOCAL_ID));
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, downstreamTls, upstreamTls, downstream);
    }

    @Test
    @Order(1)
    void mirrorsTheContainerWithTheUpstreamsFingerprintAndReportsTheVm() throws Exception {
        JsonNode up = upstreamItems();
        JsonNode down = JSON.readTree(get(downstream.uri("/streams/v1/images.json")).body())
                .at("/products/" + LOCAL_ID + "/versions/" + LOCAL_VERSION + "/items");
        assertEquals(up.at("/incus.tar.xz/combined_squashfs_sha256").asText(),
                down.at("/incus.tar.xz/combined_squashfs_sha256").asText(), down::toString);
        assertEquals(up.at("/incus.tar.xz/sha256"), down.at("/incus.tar.xz/sha256"));
        assertEquals(up.at("/squashfs/sha256"), down.at("/rootfs.squashfs/sha256"));
        assertFalse(down.toString().contains("disk-kvm.img"), "no VM whose fingerprint is not the upstream's");
        JsonNode product = JSON.readTree(get(downstream.uri("/streams/v1/images.json")).body())
                .at("/products/" + LOCAL_ID);
        assertEquals("testos/1.0/default", product.get("aliases").asText(), "exactly the upstream's aliases");
        assertEquals("1.0", product.get("release_title").asText());

        JsonNode skipped = Downstream.remoteStatus(downstream).get("skipped");
        String vmFingerprint = up.at("/incus.tar.xz/combined_disk-kvm-img_sha256").asText();
        assertTrue(skipped.toString().contains("but the upstream lists this image as " + vmFingerprint),
                skipped::toString);
        JsonNode status = Downstream.remoteStatus(downstream);
        assertEquals(0, status.get("problems").size(), status::toString);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lxc", "incus"})
    @Order(2)
    void theRealClientsListAndExportTheMirroredImageByteIdentical(String client) throws Exception {
        if (downstreamTls == null) {
            downstreamTls = NginxTlsProxy.start(work.resolve("nginx-down"), ca, downstream.port());
        }
        Cli cli = Downstream.clientWithReplica(client, work, ca.caCert(), downstreamTls.httpsUrl());
        String fingerprint = upstreamItems().at("/incus.tar.xz/combined_squashfs_sha256").asText();
        JsonNode listed = JSON.readTree(cli.run(client, "image", "list", "replica:", "--format=json").orThrow()
                .stdout());
        List<String> fingerprints = new java.util.ArrayList<>();
        listed.forEach(image -> fingerprints.add(image.get("fingerprint").asText()));
        assertEquals(List.of(fingerprint), fingerprints, listed::toString);

        Path target = Files.createDirectories(work.resolve(client + "-export"));
        cli.run(client, "image", "export", "replica:" + fingerprint, target + "/").orThrow();
        Set<String> exported = new HashSet<>();
        try (Stream<Path> files = Files.list(target)) {
            for (Path file : files.toList()) {
                exported.add(Digests.sha256(file));
            }
        }
        assertEquals(Set.of(Digests.sha256(containerMeta), Digests.sha256(squashfs)), exported);
    }

    @Test
    @Order(3)
    void anUnchangedUpstreamCostsTwoConditionalRequests() throws Exception {
        long before = Files.readAllLines(upstreamTls.accessLog()).size();
        Downstream.sync(downstream);
        List<String> lines = Files.readAllLines(upstreamTls.accessLog());
        List<String> requests = lines.subList((int) before, lines.size());
        assertEquals(2, requests.size(), requests::toString);
        assertTrue(requests.stream().allMatch(l -> l.contains("\" 304 ")), requests::toString);
        assertNotEquals(0, Downstream.remoteStatus(downstream).get("skipped").size(), "still says what it left out");
    }

    /**
     * A second products document in the index, as cloud-images' indexes have several: another image added by the
     * tool in a directory of its own, its files moved next to the first ones and its images.json renamed.
     */
    @Test
    @Order(4)
    void mirrorsTheProductsOfEveryDocumentTheIndexLists() throws Exception {
        Path other = Files.createDirectories(work.resolve("other"));
        Path meta = ImageFactory.metadataTarball(work.resolve("other.tar.xz"), ARCH, "otheros", "2.0", "default",
                "otheros container", CREATED + 86_400, "20240102_00:00");
        add(other, meta, squashfs);
        try (Stream<Path> files = Files.list(other.resolve("images"))) {
            for (Path file : files.toList()) {
                Files.move(file, tree.resolve("images").resolve(file.getFileName()));
            }
        }
        Files.move(other.resolve("streams/v1/images.json"), tree.resolve("streams/v1/other.json"));
        ObjectNode index = (ObjectNode) JSON.readTree(tree.resolve("streams/v1/index.json").toFile());
        ObjectNode entry = ((ObjectNode) index.get("index")).putObject("other");
        entry.put("datatype", "image-downloads").put("format", "products:1.0").put("path", "streams/v1/other.json");
        entry.putArray("products").add("otheros:2.0:default:" + ARCH);
        JSON.writeValue(tree.resolve("streams/v1/index.json").toFile(), index);

        Downstream.sync(downstream);
        await(downstream.uri("/streams/v1/images.json"), body -> body.contains("otheros:2.0:"));
        JsonNode down = JSON.readTree(get(downstream.uri("/streams/v1/images.json")).body()).get("products");
        assertEquals(Digests.sha256(meta, squashfs), down.at("/otheros:2.0:" + ARCH + ":default/versions/"
                + "20240102_00:00/items/incus.tar.xz/combined_squashfs_sha256").asText(), down::toString);
        assertTrue(down.has(LOCAL_ID), "the first document's product stays");

        long before = Files.readAllLines(upstreamTls.accessLog()).size();
        Downstream.sync(downstream);
        List<String> lines = Files.readAllLines(upstreamTls.accessLog());
        List<String> requests = lines.subList((int) before, lines.size());
        assertEquals(3, requests.size(), "the index and each products document: " + requests);
        assertTrue(requests.stream().allMatch(l -> l.contains("\" 304 ")), requests::toString);
    }

    /** The tool writes into the current directory. */
    private static void add(Path tree, Path metadata, Path root) {
        Cli.create().run("env", "-C", tree.toString(), "incus-simplestreams", "add", metadata.toString(),
                root.toString()).orThrow();
    }

    private JsonNode upstreamItems() throws Exception {
        return JSON.readTree(tree.resolve("streams/v1/images.json").toFile())
                .at("/products/" + UPSTREAM_ID + "/versions/" + UPSTREAM_VERSION + "/items");
    }
}
