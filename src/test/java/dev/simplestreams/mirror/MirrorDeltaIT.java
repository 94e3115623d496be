package dev.simplestreams.mirror;

import static dev.simplestreams.mirror.Downstream.JSON;
import static dev.simplestreams.mirror.Downstream.await;
import static dev.simplestreams.mirror.Downstream.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An upstream (a static tree behind nginx) that lists squashfs deltas, as images.linuxcontainers.org does: the
 * mirror fetches them under this server's names, verified like every other file, and a delta whose bytes are not
 * what the upstream's catalogue says is left out and reported while its version still comes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MirrorDeltaIT {

    private static final String PRODUCT = "busybox:delta:amd64:default";
    private static final String DIR = "images/busybox/delta/amd64/default/";
    /** Upstream names, in lxd-imagebuilder's spelling, and ours. */
    private static final List<String> UPSTREAM = List.of("20261101_1000", "20261102_1000", "20261103_1000");
    private static final List<String> LOCAL = List.of("20261101_10:00", "20261102_10:00", "20261103_10:00");

    private Path work;
    private Path tree;
    private Path data;
    private StaticUpstream upstream;
    private TomcatServer server;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("mirror-delta");
        tree = work.resolve("tree");
        data = work.resolve("data");
        byte[] body = new byte[1 << 20];
        new Random(3).nextBytes(body);
        ObjectNode versions = JSON.createObjectNode();
        for (int i = 0; i < UPSTREAM.size(); i++) {
            body[1000 * i] ^= 1;
            Path dir = Trees.splitImage(tree, PRODUCT, UPSTREAM.get(i), RootFiles.squashfs(body));
            versions.set(UPSTREAM.get(i), JSON.createObjectNode().set("items",
                    StaticUpstream.splitItems(DIR + UPSTREAM.get(i) + "/", dir, "root.squashfs")));
        }
        Path newest = dir(UPSTREAM.get(2));
        for (String base : UPSTREAM.subList(0, 2)) {
            Cli.create().run("xdelta3", "-e", "-s", dir(base).resolve("rootfs.squashfs").toString(),
                    newest.resolve("rootfs.squashfs").toString(),
                    newest.resolve("delta-" + base + ".vcdiff").toString()).orThrow();
        }
        ObjectNode items = (ObjectNode) versions.get(UPSTREAM.get(2)).get("items");
        for (String base : UPSTREAM.subList(0, 2)) {
            byte[] delta = Files.readAllBytes(newest.resolve("delta-" + base + ".vcdiff"));
            items.putObject("root.delta-" + base).put("ftype", "squashfs.vcdiff")
                    .put("path", DIR + UPSTREAM.get(2) + "/delta-" + base + ".vcdiff").put("size", delta.length)
                    .put("sha256", Digests.sha256(delta)).put("delta_base", base);
        }
        // What the catalogue promises for the older delta stays; the bytes served change.
        Path lying = newest.resolve("delta-" + UPSTREAM.get(0) + ".vcdiff");
        byte[] bytes = Files.readAllBytes(lying);
        bytes[bytes.length - 1] ^= 1;
        Files.write(lying, bytes);

        ObjectNode product = JSON.createObjectNode().put("os", "busybox").put("release", "delta")
                .put("arch", "amd64").put("variant", "default").put("aliases", "busybox/delta");
        product.set("versions", versions);
        ObjectNode products = JSON.createObjectNode();
        products.set(PRODUCT, product);
        StaticUpstream.writeCatalog(tree, products);
        upstream = StaticUpstream.serve(work, tree, "static", "");
        // Generation off: every delta here is the upstream's.
        server = TomcatServer.start(data, Map.of("MIRROR_CONFIG", upstream.config().toString(),
                "INDEX_QUIET_MS", "100", "DELTAS", "off"));
        await(server.uri("/streams/v1/images.json"), catalogue -> catalogue.contains(LOCAL.get(2)));
    }

    private Path dir(String upstreamVersion) {
        return tree.resolve(DIR + upstreamVersion);
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, server, upstream);
    }

    @Test
    void theUpstreamsDeltasAreMirroredVerifiedAndPublished() throws Exception {
        String name = "rootfs." + LOCAL.get(1) + ".vcdiff";
        await(server.uri("/streams/v1/images.json"), body -> body.contains(name));
        JsonNode items = JSON.readTree(get(server.uri("/streams/v1/images.json")).body())
                .at("/products/" + PRODUCT + "/versions/" + LOCAL.get(2) + "/items");
        JsonNode delta = items.get(name);
        assertEquals("squashfs.vcdiff", delta.get("ftype").asText());
        assertEquals(LOCAL.get(1), delta.get("delta_base").asText(), "the base in this server's version names");
        assertEquals(DIR + LOCAL.get(2) + "/" + name, delta.get("path").asText());
        assertArrayEquals(Files.readAllBytes(dir(UPSTREAM.get(2)).resolve("delta-" + UPSTREAM.get(1) + ".vcdiff")),
                Files.readAllBytes(data.resolve(DIR + LOCAL.get(2) + "/" + name)));

        String lying = "rootfs." + LOCAL.get(0) + ".vcdiff";
        assertFalse(items.has(lying), items.toString());
        assertFalse(Files.exists(data.resolve(DIR + LOCAL.get(2) + "/" + lying)), "no trace of the bad delta");
        String problems = Downstream.remoteStatus(server).get("problems").toString();
        assertTrue(problems.contains(upstream.url() + "/" + DIR + UPSTREAM.get(2) + "/delta-" + UPSTREAM.get(0)
                + ".vcdiff") && problems.contains("the catalogue says") && problems.contains("delta not mirrored"),
                problems);
    }
}
