package dev.simplestreams.clients;

import static dev.simplestreams.testing.Digests.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.testing.ClientDaemons;
import dev.simplestreams.testing.ContainerDaemon;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.TomcatBehindTls;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deltas as hosts use them: LXD and Incus daemons (with xdelta3) hold version 1 of an image copied with
 * {@code --auto-update} from the server behind nginx; version 2, a squashfs that differs by one file, is put
 * into the tree; the server generates the delta by itself; {@code image refresh} brings version 2 by
 * downloading the delta and never the full root file (nginx's access log), the refreshed image has the
 * catalogue's fingerprint, and a container launches from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeltaRefreshIT {

    private static final String REMOTE = "deltas";
    private static final String ARCH = Architectures.directoryName(ImageFactory.hostArch()).orElseThrow();
    private static final String PRODUCT_DIR = "images/busybox/delta/" + ARCH + "/default/";
    private static final String V1 = "20261101_10:00";
    private static final String V2 = "20261102_10:00";
    private static final String DELTA = "rootfs." + V1 + ".vcdiff";
    private static final ObjectMapper JSON = new ObjectMapper();
    // The delta is made at nice 19: on a busy machine that takes a while.
    private static final Duration CATALOGUE_WAIT = Duration.ofMinutes(5);

    private Path work;
    private TomcatBehindTls served;
    private ClientDaemons daemons;
    private String v1Fingerprint;
    private String v2Fingerprint;

    @BeforeAll
    void start() throws Exception {
        work = ImageFactory.workDirForContainers("dr");
        Path data = work.resolve("data");
        Path rootfs = ImageFactory.rootfsDir(work.resolve("rootfs"));
        long created = 1_761_991_200L;
        Path v1 = Files.createDirectories(data.resolve(PRODUCT_DIR + V1));
        Path meta1 = ImageFactory.metadataTarball(v1.resolve("lxd.tar.xz"), ImageFactory.hostArch(), "busybox",
                "delta", "default", "busybox delta v1", created, V1);
        v1Fingerprint = sha256(meta1, ImageFactory.squashfs(rootfs, v1.resolve("rootfs.squashfs")));

        served = TomcatBehindTls.start(work, data, Map.of());
        served.awaitCatalogue("version 1", CATALOGUE_WAIT, body -> body.contains(v1Fingerprint));
        daemons = ClientDaemons.start();
        daemons.addRemote(REMOTE, served.url(), served.ca().caCert());
        for (ContainerDaemon daemon : daemons().toList()) {
            daemon.client("image", "copy", REMOTE + ":busybox/delta", "local:", "--auto-update");
            assertTrue(localFingerprints(daemon).contains(v1Fingerprint));
        }

        // Version 2: one file more, as a small update changes a real image. Written aside and moved in, as rsync does.
        Files.writeString(rootfs.resolve("etc/motd"), "version 2\n");
        Path staging = Files.createDirectories(data.resolve(PRODUCT_DIR + ".staging"));
        Path meta2 = ImageFactory.metadataTarball(staging.resolve("lxd.tar.xz"), ImageFactory.hostArch(), "busybox",
                "delta", "default", "busybox delta v2", created + 86_400, V2);
        v2Fingerprint = sha256(meta2, ImageFactory.squashfs(rootfs, staging.resolve("rootfs.squashfs")));
        Files.move(staging, data.resolve(PRODUCT_DIR + V2));
        served.awaitCatalogue("version 2 with its delta", CATALOGUE_WAIT,
                body -> body.contains(v2Fingerprint) && body.contains(DELTA));
        JsonNode deltas = JSON.readTree(served.get("/status")).get("deltas");
        assertEquals(1, deltas.get("generated").asInt(), deltas::toString);
        assertTrue(deltas.get("bytes_saved").asLong() > 0, deltas::toString);
        String metrics = served.get("/metrics");
        assertTrue(metrics.contains("simplestreams_deltas_generated_total 1.0"), metrics);
        assertTrue(metrics.contains("simplestreams_deltas_failed_total 0.0"), metrics);
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, daemons, served);
    }

    Stream<ContainerDaemon> daemons() {
        return daemons.each();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void refreshDownloadsTheGeneratedDeltaNotTheRootAndLaunchesTheNewVersion(ContainerDaemon daemon)
            throws Exception {
        JsonNode items = JSON.readTree(served.get("/streams/v1/images.json"))
                .at("/products/busybox:delta:" + ARCH + ":default/versions/" + V2 + "/items");
        assertEquals(V1, items.at("/" + DELTA + "/delta_base").asText(), items::toString);
        assertEquals(v2Fingerprint, items.at("/lxd.tar.xz/combined_squashfs_sha256").asText());
        long rootSize = items.at("/rootfs.squashfs/size").asLong();
        long deltaSize = items.at("/" + DELTA + "/size").asLong();
        assertTrue(deltaSize < rootSize / 2, "delta " + deltaSize + " bytes, root " + rootSize);

        daemon.clearStreamCache();
        int before = Files.readAllLines(served.accessLog()).size();
        daemon.client("image", "refresh", v1Fingerprint);
        List<String> lines = Files.readAllLines(served.accessLog());
        List<String> requests = lines.subList(before, lines.size());

        assertTrue(requests.stream().anyMatch(l -> l.contains(V2.replace(":", "%3A") + "/" + DELTA.replace(":", "%3A"))
                || l.contains(V2 + "/" + DELTA)), "the delta was fetched:\n" + String.join("\n", requests));
        assertFalse(requests.stream().anyMatch(l -> l.contains("/rootfs.squashfs")),
                "the full root file was not fetched:\n" + String.join("\n", requests));
        List<String> local = localFingerprints(daemon);
        assertTrue(local.contains(v2Fingerprint), "the refreshed image is the catalogue's: " + local);

        String name = "c-delta";
        daemon.client("launch", v2Fingerprint, name);
        try {
            assertEquals("version 2", daemon.client("exec", name, "--", "cat", "/etc/motd").strip());
        } finally {
            daemon.client("delete", "--force", name);
        }
    }

    private static List<String> localFingerprints(ContainerDaemon daemon) throws Exception {
        JsonNode list = JSON.readTree(daemon.client("image", "list", "local:", "--format=json"));
        List<String> fingerprints = new java.util.ArrayList<>();
        list.forEach(image -> fingerprints.add(image.get("fingerprint").asText()));
        return fingerprints;
    }
}
