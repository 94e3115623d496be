package dev.simplestreams.mirror;

import static dev.simplestreams.mirror.Downstream.JSON;
import static dev.simplestreams.mirror.Downstream.await;
import static dev.simplestreams.mirror.Downstream.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An upstream that is a static tree behind nginx, and lies: one file's bytes do not match the catalogue's
 * sha256, another is shorter than the catalogue says, and later images.json is broken JSON. The good image is
 * mirrored; the bad ones leave nothing here and are reported with URL and reason; broken JSON changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorruptUpstreamIT {

    private static final String V1 = "20261101_10:00";
    private static final String GOOD = "busybox:good:amd64:default";
    private static final String WRONG_HASH = "busybox:wronghash:amd64:default";
    private static final String TRUNCATED = "busybox:truncated:amd64:default";

    private Path work;
    private Path tree;
    private Path data;
    private StaticUpstream upstream;
    private TomcatServer server;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("mirror-corrupt");
        tree = work.resolve("tree");
        data = work.resolve("data");
        ObjectNode products = JSON.createObjectNode();
        for (String product : new String[] {GOOD, WRONG_HASH, TRUNCATED}) {
            Path dir = Trees.splitImage(tree, product, V1, RootFiles.squashfs(product.getBytes(StandardCharsets.UTF_8)));
            products.set(product, product(product, dir));
        }
        // What the catalogue promises stays; the bytes served change.
        Path wrong = tree.resolve("images/busybox/wronghash/amd64/default/" + V1 + "/rootfs.squashfs");
        byte[] bytes = Files.readAllBytes(wrong);
        bytes[0] ^= 1;
        Files.write(wrong, bytes);
        Path truncated = tree.resolve("images/busybox/truncated/amd64/default/" + V1 + "/rootfs.squashfs");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(truncated), 5));
        StaticUpstream.writeCatalog(tree, products);
        upstream = StaticUpstream.serve(work, tree, "static", "");
        server = TomcatServer.start(data, Map.of("MIRROR_CONFIG", upstream.config().toString(),
                "INDEX_QUIET_MS", "100", "UPLOAD_USER", Downstream.USER, "UPLOAD_PASSWORD", Downstream.PASSWORD));
        await(server.uri("/streams/v1/images.json"), body -> body.contains(GOOD));
    }

    /** The product as a simplestreams writer would list it: sizes and hashes of the files as they were. */
    private static JsonNode product(String id, Path dir) throws Exception {
        String[] p = id.split(":");
        ObjectNode product = JSON.createObjectNode().put("os", p[0]).put("release", p[1]).put("arch", p[2])
                .put("variant", p[3]).put("aliases", p[0] + "/" + p[1]);
        product.putObject("versions").putObject(V1).set("items", StaticUpstream.splitItems(
                "images/" + id.replace(':', '/') + "/" + V1 + "/", dir, "rootfs.squashfs"));
        return product;
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, server, upstream);
    }

    /** Mirroring nothing without a word would go unnoticed; the log says what is wrong with the file. */
    @Test
    void aConfigurationThatCannotBeUsedStopsTheStart() throws Exception {
        Path config = work.resolve("typo.yaml");
        Files.writeString(config, "remotes: [{name: x, url: 'https://127.0.0.1:9/', images: [{oss: debian}]}]\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TomcatServer.start(
                work.resolve("typo-data"), Map.of("MIRROR_CONFIG", config.toString())));
        assertTrue(e.getMessage().contains("failed to start"), e.getMessage());
        assertFalse(Files.exists(work.resolve("typo-data/images")), "nothing was started on the data root");
    }

    @Test
    void badFilesLeaveNothingAndAreReportedAndBrokenJsonChangesNothing() throws Exception {
        await(server.uri("/status"), body -> body.contains("truncated file upstream"));
        JsonNode status = Downstream.remoteStatus(server);
        String problems = status.get("problems").toString();
        assertTrue(problems.contains(upstream.url() + "/images/busybox/wronghash/amd64/default/20261101_10:00/"
                + "rootfs.squashfs") && problems.contains("the catalogue says"), problems);
        assertTrue(problems.contains("/images/busybox/truncated/amd64/default/20261101_10:00/rootfs.squashfs")
                && problems.contains("served 5 bytes"), problems);
        assertFalse(Files.exists(data.resolve("images/busybox/wronghash")), "no trace of the bad file");
        assertFalse(Files.exists(data.resolve("images/busybox/truncated")), "no trace of the short file");
        String before = get(server.uri("/streams/v1/images.json")).body();
        assertFalse(before.contains(WRONG_HASH) || before.contains(TRUNCATED), before);

        Files.writeString(tree.resolve("streams/v1/images.json"), "{\"products\": {\"broken");
        Downstream.sync(server);
        String problemsNow = Downstream.remoteStatus(server).get("problems").toString();
        assertTrue(problemsNow.contains(upstream.url() + "/streams/v1/images.json")
                && problemsNow.contains("is not valid JSON"), problemsNow);
        assertEquals(before, get(server.uri("/streams/v1/images.json")).body(), "the catalogue is unchanged");
        assertTrue(Files.exists(data.resolve("images/busybox/good/amd64/default/" + V1 + "/rootfs.squashfs")));
        String metrics = get(server.uri("/metrics")).body();
        assertTrue(metrics.contains("simplestreams_mirror_failures_total{remote=\"static\"} 3.0"), metrics);
    }
}
