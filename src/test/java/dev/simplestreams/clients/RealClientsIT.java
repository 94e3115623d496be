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
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatBehindTls;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the seed's users do, with the real clients and daemons: the server in Tomcat behind nginx (TLS 1.3,
 * throw-away CA trusted per remote), a tree holding every image kind, then list, info, aliases and
 * byte-identical export from {@code lxc} and {@code incus}, launch + exec of every container kind and a copy
 * of the VM image into each daemon's store. The catalogue is published as several products documents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsIT {

    private static final String REMOTE = "t";
    private static final String ARCH = Architectures.directoryName(ImageFactory.hostArch()).orElseThrow();
    private static final String KERNEL_ARCH = ImageFactory.hostArch();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUPPORT_EOL = "2031-06-30";

    /** An image the tree holds: how clients name it, its type, fingerprint and the files export must return. */
    record Image(String alias, String type, String fingerprint, List<Path> files) {
    }

    private final Map<String, Image> images = new LinkedHashMap<>();
    private Path work;
    private TomcatBehindTls served;
    private ClientDaemons daemons;

    @BeforeAll
    void start() throws Exception {
        work = ImageFactory.workDirForContainers("rc");
        Path data = work.resolve("data");
        Path rootfs = ImageFactory.rootfsDir(work.resolve("rootfs"));
        long created = 1_761_991_200L; // 2025-11-01 10:00 UTC

        // Split container + VM in one version; an older version with a delta base; metadata.json aliases.
        Path v1 = version(data, "busybox/edge/" + ARCH + "/default/20261101_10:00");
        Path meta1 = ImageFactory.metadataTarball(v1.resolve("lxd.tar.xz"), KERNEL_ARCH, "busybox", "edge", "default",
                "busybox edge v1", created, "20261101_10:00");
        ImageFactory.squashfs(rootfs, v1.resolve("rootfs.squashfs"));
        Files.writeString(v1.resolve("metadata.json"), "{\"aliases\": \"oldbox\"}");
        Path v2 = version(data, "busybox/edge/" + ARCH + "/default/20261102_10:00");
        Path meta2 = ImageFactory.metadataTarball(v2.resolve("lxd.tar.xz"), KERNEL_ARCH, "busybox", "edge", "default",
                "busybox edge v2", created + 86_400, "20261102_10:00");
        Path squash2 = ImageFactory.squashfs(rootfs, v2.resolve("rootfs.squashfs"));
        Path disk2 = ImageFactory.qcow2(v2.resolve("disk.qcow2"));
        Files.write(v2.resolve("rootfs.20261101_10:00.vcdiff"), RootFiles.vcdiff(new byte[] {1, 2, 3}));
        Files.writeString(v2.resolve("metadata.json"), "{\"aliases\": [\"box\", \" busybox/edge \"], "
                + "\"release_title\": \"Edge (test)\", \"requirements\": {\"secureboot\": \"false\"}, "
                + "\"support_eol\": \"" + SUPPORT_EOL + "\"}");
        images.put("container", new Image("box", "container", sha256(meta2, squash2), List.of(meta2, squash2)));
        images.put("vm", new Image("box", "virtual-machine", sha256(meta2, disk2), List.of(meta2, disk2)));
        images.put("older", new Image(null, "container", sha256(meta1, v1.resolve("rootfs.squashfs")),
                List.of(meta1, v1.resolve("rootfs.squashfs"))));

        // Split container with root.tar.xz, metadata uploaded under the Incus name.
        Path v3 = version(data, "busybox/edge/" + ARCH + "/tarxz/20261101_10:00");
        Path meta3 = ImageFactory.metadataTarball(v3.resolve("incus.tar.xz"), KERNEL_ARCH, "busybox", "edge", "tarxz",
                "busybox edge tarxz", created, "20261101_10:00");
        Path rootxz = ImageFactory.rootTarXz(rootfs, v3.resolve("root.tar.xz"));
        images.put("tarxz", new Image("busybox/edge/tarxz", "container", sha256(meta3, rootxz), List.of(meta3, rootxz)));

        // Unified tarball, as `lxc image export` gives for an image made from a container.
        Path v4 = version(data, "busybox/unified/" + ARCH + "/default/20261101_10:00");
        Path unified = ImageFactory.unifiedTarball(v4.resolve("unified.tar.gz"), rootfs, KERNEL_ARCH, "busybox",
                "unified", "default", "busybox unified", created, "20261101_10:00");
        images.put("unified", new Image("busybox/unified", "container", sha256(unified), List.of(unified)));

        // A text file named rootfs.squashfs: left out, so no client lists it and no daemon fetches it.
        Path junk = version(data, "busybox/junk/" + ARCH + "/default/20261101_10:00");
        ImageFactory.metadataTarball(junk.resolve("lxd.tar.xz"), KERNEL_ARCH, "busybox", "junk", "default",
                "busybox junk", created, "20261101_10:00");
        Files.writeString(junk.resolve("rootfs.squashfs"), "not a filesystem\n");

        // The catalogue as several products documents, one per product (or nearly): the clients must read every
        // document index.json names. The other client tests run on the catalogue as one document.
        served = TomcatBehindTls.start(work, data, Map.of("CATALOG_SPLIT_BYTES", "1"));
        served.awaitCatalogue("every image in the catalogue", Duration.ofSeconds(30),
                body -> images.values().stream().allMatch(i -> body.contains(i.fingerprint())));
        JsonNode index = JSON.readTree(served.get("/streams/v1/index.json")).get("index");
        assertTrue(index.size() > 1, "a split catalogue: " + index);
        daemons = ClientDaemons.start();
        daemons.addRemote(REMOTE, served.url(), served.ca().caCert());
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
    void listsEveryImageWithItsFingerprintAndType(ContainerDaemon client) throws IOException {
        JsonNode list = JSON.readTree(client.client("image", "list", REMOTE + ":", "--format=json"));
        Map<String, String> listed = new LinkedHashMap<>();
        for (JsonNode image : list) {
            listed.put(image.get("fingerprint").asText(), image.get("type").asText());
            assertEquals(KERNEL_ARCH, image.get("architecture").asText());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        images.values().forEach(i -> expected.put(i.fingerprint(), i.type()));
        assertEquals(expected, listed);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void resolvesAliasesToTheNewestVersionOfEachProduct(ContainerDaemon client) throws IOException {
        JsonNode aliases = JSON.readTree(client.client("image", "alias", "list", REMOTE + ":", "--format=json"));
        Map<String, Set<String>> targets = new LinkedHashMap<>();
        for (JsonNode alias : aliases) {
            targets.computeIfAbsent(alias.get("name").asText(), k -> new HashSet<>()).add(alias.get("target").asText());
        }
        // metadata.json of the newest version wins (its aliases are trimmed); the older one's alias is gone.
        assertTrue(targets.containsKey("box"), targets::toString);
        assertTrue(targets.containsKey("busybox/edge"), targets::toString);
        assertFalse(targets.containsKey("oldbox"), targets::toString);
        // Default aliases where no metadata.json overrides them.
        assertTrue(targets.containsKey("busybox/edge/" + ARCH + "/tarxz"), targets::toString);
        assertTrue(targets.containsKey("busybox/edge/tarxz"), targets::toString);
        assertTrue(targets.containsKey("busybox/unified"), targets::toString);

        for (String kind : List.of("container", "tarxz", "unified")) {
            Image image = images.get(kind);
            String info = client.client("image", "info", REMOTE + ":" + image.alias());
            assertTrue(info.contains("Fingerprint: " + image.fingerprint()), kind + ":\n" + info);
        }
        String vmInfo = client.client("image", "info", REMOTE + ":" + images.get("vm").fingerprint());
        assertTrue(vmInfo.contains("Type: virtual-machine"), vmInfo);
        assertTrue(client.client("image", "info", REMOTE + ":box").contains("Edge (test)"));
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void exportsByteIdenticalFiles(ContainerDaemon client) throws IOException {
        for (Map.Entry<String, Image> entry : images.entrySet()) {
            Path target = Files.createDirectories(client.workDir().resolve("export-" + entry.getKey()));
            client.client("image", "export", REMOTE + ":" + entry.getValue().fingerprint(), target.toString() + "/");
            Set<String> exported = new HashSet<>();
            try (Stream<Path> files = Files.list(target)) {
                for (Path file : files.toList()) {
                    exported.add(sha256(file));
                }
            }
            Set<String> expected = new HashSet<>();
            for (Path file : entry.getValue().files()) {
                expected.add(sha256(file));
            }
            assertEquals(expected, exported, entry.getKey());
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void launchesEveryContainerKindAndRunsACommand(ContainerDaemon daemon) {
        daemon.clearStreamCache();
        for (String kind : List.of("container", "tarxz", "unified")) {
            String name = "c-" + kind;
            daemon.client("launch", REMOTE + ":" + images.get(kind).alias(), name);
            try {
                assertEquals("ok", daemon.client("exec", name, "--", "/bin/sh", "-c", "echo ok").strip());
            } finally {
                daemon.client("delete", "--force", name);
            }
        }
        String local = daemon.client("image", "list", "local:", "--format=csv", "-c", "F");
        for (String kind : List.of("container", "tarxz", "unified")) {
            assertTrue(local.contains(images.get(kind).fingerprint()), kind + " not in the daemon's store:\n" + local);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void copiesTheVirtualMachineImageIntoTheDaemonStore(ContainerDaemon daemon) throws IOException {
        daemon.clearStreamCache();
        daemon.client("image", "copy", REMOTE + ":box", "local:", "--vm");
        JsonNode local = JSON.readTree(daemon.client("image", "list", "local:", "--format=json"));
        List<String> vms = new ArrayList<>();
        for (JsonNode image : local) {
            if (image.get("type").asText().equals("virtual-machine")) {
                vms.add(image.get("fingerprint").asText());
            }
        }
        assertEquals(List.of(images.get("vm").fingerprint()), vms);
        // LXD takes requirements from lxd_requirements, Incus from requirements; both the expiry from support_eol.
        JsonNode copied = JSON.readTree(daemon.client("query", "/1.0/images/" + vms.get(0)));
        assertEquals("false", copied.at("/properties/requirements.secureboot").asText(), copied::toString);
        assertTrue(copied.get("expires_at").asText().startsWith(SUPPORT_EOL), copied::toString);
    }

    private static Path version(Path data, String relative) throws IOException {
        return Files.createDirectories(data.resolve("images").resolve(relative));
    }
}
