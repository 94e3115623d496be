package dev.simplestreams.mirror;

import static dev.simplestreams.mirror.Downstream.await;
import static dev.simplestreams.mirror.Downstream.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TestCa;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * The read-replica case end to end: an upstream instance of the WAR behind nginx (TLS with a private CA, which
 * the mirror trusts through its ca_file), and a downstream instance mirroring it with filters, a local upload
 * that conflicts, the real {@code lxc} and {@code incus} listing the mirrored image from the downstream over
 * TLS, an unchanged upstream costing two conditional requests, a version the upstream replaces being pruned
 * here, and a file replaced upstream fetched again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorIT {

    private static final String ARCH = Architectures.directoryName(ImageFactory.hostArch()).orElseThrow();
    private static final String EDGE = "busybox:edge:" + ARCH + ":default";
    private static final String STABLE = "busybox:stable:" + ARCH + ":default";
    private static final String V1 = "20261101_10:00";
    private static final String V2 = "20261102_10:00";
    private static final int EDGE_ROOT_BYTES = 1 << 20;
    private static final ObjectMapper JSON = Downstream.JSON;

    private Path work;
    private TomcatServer upstream;
    private TomcatServer downstream;
    private NginxTlsProxy upstreamTls;
    private NginxTlsProxy downstreamTls;
    private TestCa ca;
    private Path upstreamData;
    private Path downstreamData;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("mirror-it");
        upstreamData = work.resolve("upstream");
        downstreamData = work.resolve("downstream");
        // Upstream: a split image with container and VM roots (aliases and title in metadata.json), a product
        // the filter leaves out, and one whose id the downstream already uses for a local upload.
        byte[] random = new byte[EDGE_ROOT_BYTES - 96];
        new java.util.Random(1).nextBytes(random);
        byte[] edgeRoot = RootFiles.squashfs(random);
        Path edge = Trees.splitImage(upstreamData, EDGE, V1, edgeRoot);
        Files.write(edge.resolve("disk.qcow2"), RootFiles.qcow2("a vm disk".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(edge.resolve("metadata.json"),
                "{\"aliases\": [\"box\", \"shared\"], \"default_aliases\": false, "
                + "\"release_title\": \"Edge (test)\"}");
        Trees.splitImage(upstreamData, "debian:bookworm:" + ARCH + ":default", V1,
                RootFiles.squashfs("debian".getBytes(StandardCharsets.UTF_8)));
        Trees.splitImage(upstreamData, STABLE, V1, RootFiles.squashfs("upstream stable".getBytes(StandardCharsets.UTF_8)));
        Path local = Trees.splitImage(downstreamData, STABLE, V1,
                RootFiles.squashfs("local stable".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(local.resolve("metadata.json"), "{\"aliases\": [\"stable\", \"shared\"]}");

        // The upstream publishes a products document per product (or nearly): the mirror reads every one.
        upstream = TomcatServer.start(upstreamData, Map.of("INDEX_QUIET_MS", "100", "CATALOG_SPLIT_BYTES", "1"));
        ca = TestCa.create(work.resolve("ca"));
        upstreamTls = NginxTlsProxy.start(work.resolve("nginx-up"), ca, upstream.port());
        await(upstream.uri("/streams/v1/images.json"), body -> body.contains(STABLE));

        Path config = work.resolve("mirror.yaml");
        Files.writeString(config, """
                ca_file: %s
                remotes:
                  - name: primary
                    url: %s
                    keep: 1
                    images:
                      - {os: busybox, type: container}
                """.formatted(ca.caCert(), upstreamTls.httpsUrl()));
        downstream = TomcatServer.start(downstreamData, Map.of("MIRROR_CONFIG", config.toString(),
                "UPLOAD_USER", Downstream.USER, "UPLOAD_PASSWORD", Downstream.PASSWORD, "INDEX_QUIET_MS", "100",
                "RETENTION_GRACE_MINUTES", "0"));
        await(downstream.uri("/streams/v1/images.json"), body -> body.contains(EDGE));
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, downstreamTls, upstreamTls, downstream, upstream);
    }

    @Test
    @Order(1)
    void mirrorsTheFilteredImagesWithTheUpstreamsFingerprintsAndMetadata() throws Exception {
        JsonNode up = JSON.readTree(get(upstream.uri("/streams/v1/images.json")).body()).get("products");
        JsonNode down = JSON.readTree(get(downstream.uri("/streams/v1/images.json")).body()).get("products");
        JsonNode upMeta = up.at("/" + EDGE + "/versions/" + V1 + "/items/lxd.tar.xz");
        JsonNode downItems = down.at("/" + EDGE + "/versions/" + V1 + "/items");
        assertEquals(upMeta.get("combined_squashfs_sha256"), downItems.at("/lxd.tar.xz/combined_squashfs_sha256"),
                "same bytes, same fingerprint");
        assertEquals(upMeta.get("sha256"), downItems.at("/incus.tar.xz/sha256"));
        assertEquals(up.at("/" + EDGE + "/versions/" + V1 + "/items/rootfs.squashfs/sha256"),
                downItems.at("/rootfs.squashfs/sha256"));
        assertFalse(downItems.toString().contains("disk-kvm.img"), "type: container leaves the VM disk upstream");
        assertFalse(down.has("debian:bookworm:" + ARCH + ":default"), "os: busybox leaves debian upstream");
        assertEquals("Edge (test)", down.at("/" + EDGE + "/release_title").asText());
        assertEquals("box", down.at("/" + EDGE + "/aliases").asText(), "the local product keeps 'shared'");
        long hashed = JSON.readTree(get(downstream.uri("/status")).body()).at("/indexer/bytes_hashed").asLong();
        assertTrue(hashed < EDGE_ROOT_BYTES, "the mirror hashed the root in-stream; the indexer read " + hashed
                + " bytes, not the mirrored root again");

        // Local upload wins: its own bytes, reported as a conflict.
        assertEquals(Digests.sha256(RootFiles.squashfs("local stable".getBytes(StandardCharsets.UTF_8))),
                down.at("/" + STABLE + "/versions/" + V1 + "/items/rootfs.squashfs/sha256").asText());
        String status = get(downstream.uri("/status")).body();
        JsonNode progress = Downstream.remoteStatus(downstream).get("progress");
        assertEquals(2, progress.get("files_done").asInt(), progress::toString);
        assertEquals(progress.get("bytes_total"), progress.get("bytes_done"), progress::toString);
        assertTrue(progress.get("bytes_total").asLong() > EDGE_ROOT_BYTES, progress::toString);
        assertTrue(status.contains("conflict: this product exists here already"), status);
        assertTrue(status.contains("alias 'shared' is used here by " + STABLE), status);

        String page = get(downstream.uri("/")).body();
        assertTrue(page.contains("mirrored from primary"), "page marks the mirrored version");
        assertTrue(page.contains(">uploaded</small>"), "page marks the local version");
        String metrics = get(downstream.uri("/metrics")).body();
        assertTrue(metrics.contains("simplestreams_mirror_fetched_files_total{remote=\"primary\"} 2.0"), metrics);
        assertTrue(metrics.matches("(?s).*simplestreams_mirror_last_success_timestamp_seconds\\{remote=\"primary\"} 1\\.[0-9]+E9.*"),
                metrics);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lxc", "incus"})
    @Order(2)
    void theRealClientsListTheMirroredImageFromTheDownstream(String client) throws Exception {
        if (downstreamTls == null) {
            downstreamTls = NginxTlsProxy.start(work.resolve("nginx-down"), ca, downstream.port());
        }
        Cli cli = Downstream.clientWithReplica(client, work, ca.caCert(), downstreamTls.httpsUrl());
        JsonNode listed = JSON.readTree(cli.run(client, "image", "list", "replica:", "--format=json").orThrow().stdout());
        String fingerprint = JSON.readTree(get(upstream.uri("/streams/v1/images.json")).body())
                .at("/products/" + EDGE + "/versions/" + V1 + "/items/lxd.tar.xz/combined_squashfs_sha256").asText();
        boolean found = false;
        for (JsonNode image : listed) {
            found |= image.get("fingerprint").asText().equals(fingerprint);
        }
        assertTrue(found, fingerprint + " in " + listed);
    }

    @Test
    @Order(3)
    void anUnchangedUpstreamCostsOneConditionalRequestPerDocument() throws Exception {
        int documents = JSON.readTree(get(upstream.uri("/streams/v1/index.json")).body()).get("index").size();
        assertTrue(documents > 1, "the upstream's catalogue is split");
        long before = Files.readAllLines(upstreamTls.accessLog()).size();
        sync();
        List<String> lines = Files.readAllLines(upstreamTls.accessLog());
        List<String> requests = lines.subList((int) before, lines.size());
        assertEquals(1 + documents, requests.size(), requests::toString);
        assertTrue(requests.stream().allMatch(l -> l.contains("\" 304 ")), requests::toString);
    }

    @Test
    @Order(4)
    void aVersionTheUpstreamReplacesIsFetchedAndTheOldOnePruned() throws Exception {
        Trees.splitImage(upstreamData, EDGE, V2,
                RootFiles.squashfs("edge rootfs v2".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(upstreamData.resolve("images/busybox/edge/" + ARCH + "/default/" + V2 + "/metadata.json"),
                "{\"aliases\": [\"box\"], \"default_aliases\": false}");
        await(upstream.uri("/streams/v1/images.json"), body -> body.contains(V2));
        sync();
        await(downstream.uri("/streams/v1/images.json"), body -> body.contains(V2)
                && !body.contains("busybox/edge/" + ARCH + "/default/" + V1));
        JsonNode versions = JSON.readTree(get(downstream.uri("/streams/v1/images.json")).body())
                .at("/products/" + EDGE + "/versions");
        assertEquals(List.of(V2), iterate(versions));
        assertFalse(Files.exists(downstreamData.resolve("images/busybox/edge/" + ARCH + "/default/" + V1)),
                "RETENTION_GRACE_MINUTES=0: the dropped version's files are gone");
        assertTrue(Files.exists(downstreamData.resolve("images/busybox/stable/" + ARCH + "/default/" + V1
                + "/rootfs.squashfs")), "the local upload is never pruned");
        List<JsonNode> audit = Downstream.audit(downstream);
        assertTrue(audit.stream().anyMatch(line -> line.path("action").asText().equals("mirror-install")
                && line.path("who").asText().equals("mirror:primary") && line.path("result").asText().equals("created")
                && line.path("path").asText().equals("images/busybox/edge/" + ARCH + "/default/" + V2
                        + "/rootfs.squashfs") && line.path("fingerprints").size() == 1), audit::toString);
        assertTrue(audit.stream().anyMatch(line -> line.path("action").asText().equals("prune")
                && line.path("who").asText().equals("mirror")
                && line.path("path").asText().equals("images/busybox/edge/" + ARCH + "/default/" + V1)),
                audit::toString);
    }

    @Test
    @Order(5)
    void aFileReplacedUpstreamIsFetchedAgain() throws Exception {
        Path root = upstreamData.resolve("images/busybox/edge/" + ARCH + "/default/" + V2 + "/rootfs.squashfs");
        byte[] replaced = RootFiles.squashfs("edge rootfs V2".getBytes(StandardCharsets.UTF_8));
        String sha = Digests.sha256(replaced);
        Files.write(root, replaced);
        await(upstream.uri("/streams/v1/images.json"), body -> body.contains(sha));
        sync();
        await(downstream.uri("/streams/v1/images.json"), body -> body.contains(sha));
        assertEquals(sha, Digests.sha256(downstreamData.resolve("images/busybox/edge/" + ARCH + "/default/" + V2
                + "/rootfs.squashfs")));
        List<JsonNode> audit = Downstream.audit(downstream);
        assertTrue(audit.stream().anyMatch(line -> line.path("action").asText().equals("mirror-install")
                && line.path("result").asText().equals("replaced") && line.path("sha256").asText().equals(sha)),
                audit::toString);
    }

    @Test
    @Order(6)
    void syncOnDemandNeedsTheUploadersCredentials() throws Exception {
        HttpResponse<String> refused = Downstream.post(downstream.uri("/mirror/sync"), false);
        assertEquals(401, refused.statusCode(), refused.body());
    }

    private static List<String> iterate(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private void sync() throws Exception {
        Downstream.sync(downstream);
    }
}
