package dev.simplestreams.clients;

import static dev.simplestreams.testing.Digests.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.LxdDaemon;
import dev.simplestreams.testing.TomcatBehindTls;
import dev.simplestreams.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the README and every upload answer tell users about a version published after their LXD daemon read
 * the catalogue: {@code lxc image list} shows it at once (the command keeps no cache), {@code lxc launch} does
 * not find it (the daemon keeps the catalogue an hour), and exporting it with the command and importing it
 * into the daemon launches it at once.
 */
class NewVersionLaunchIT {

    private static final String REMOTE = "myimages";
    private static final String ARCH = Architectures.directoryName(ImageFactory.hostArch()).orElseThrow();
    private static final Duration CATALOGUE_WAIT = Duration.ofSeconds(30);

    @Test
    void aVersionTheDaemonHasNotSeenYetIsLaunchedByExportAndImport() throws Exception {
        Path work = ImageFactory.workDirForContainers("nv");
        Path data = work.resolve("data");
        Path rootfs = ImageFactory.rootfsDir(work.resolve("rootfs"));
        Path old = Files.createDirectories(data.resolve("images/busybox/old/" + ARCH + "/default/20261101_10:00"));
        ImageFactory.metadataTarball(old.resolve("lxd.tar.xz"), ImageFactory.hostArch(), "busybox", "old", "default",
                "busybox old");
        ImageFactory.squashfs(rootfs, old.resolve("rootfs.squashfs"));
        try (TomcatBehindTls served = TomcatBehindTls.start(work, data, Map.of());
                LxdDaemon lxd = LxdDaemon.start()) {
            served.awaitCatalogue("busybox/old in the catalogue", CATALOGUE_WAIT,
                    body -> body.contains("busybox:old:"));
            lxd.addRemote(REMOTE, served.url(), served.ca().caCert());
            lxd.lxc("image", "copy", REMOTE + ":busybox/old", "local:"); // the daemon reads the catalogue now

            Path fresh = Files.createDirectories(
                    data.resolve("images/busybox/fresh/" + ARCH + "/default/20261102_10:00"));
            Path meta = ImageFactory.metadataTarball(fresh.resolve("lxd.tar.xz"), ImageFactory.hostArch(), "busybox",
                    "fresh", "default", "busybox fresh");
            Path root = ImageFactory.squashfs(rootfs, fresh.resolve("rootfs.squashfs"));
            String fingerprint = sha256(meta, root);
            served.awaitCatalogue("busybox/fresh in the catalogue", CATALOGUE_WAIT, body -> body.contains(fingerprint));

            assertTrue(lxd.lxc("image", "list", REMOTE + ":").contains(fingerprint.substring(0, 12)),
                    "the lxc command lists it at once");
            CommandResult launch = lxd.lxcResult("launch", REMOTE + ":busybox/fresh", "c-remote");
            assertFalse(launch.ok(), "the daemon still uses the catalogue it read before:\n" + launch.describe());

            Path exported = Files.createDirectories(work.resolve("img"));
            lxd.lxc("image", "export", REMOTE + ":busybox/fresh", exported + "/");
            try (Stream<Path> files = Files.list(exported)) {
                assertEquals(List.of("lxd.tar.xz", "rootfs.squashfs"), files.map(f -> f.getFileName().toString())
                        .sorted().toList(), "the files keep their names here, as the README's import expects");
            }
            lxd.lxc("image", "import", exported.resolve("lxd.tar.xz").toString(),
                    exported.resolve("rootfs.squashfs").toString(), "--alias", "fresh");
            lxd.lxc("launch", "fresh", "c-fresh");
            try {
                assertEquals("ok", lxd.lxc("exec", "c-fresh", "--", "/bin/sh", "-c", "echo ok").strip());
            } finally {
                lxd.lxc("delete", "--force", "c-fresh");
            }
        } finally {
            Trees.deleteTree(work);
        }
    }
}
