package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad trees are not fatal: whatever is wrong with one place is reported once, naming the path and the
 * reason, and everything else is still published.
 */
class BadTreeContractTest {

    private static final String GOOD = "debian:bookworm:amd64:default";

    @TempDir
    Path dir;

    @FunctionalInterface
    interface Damage {
        void apply(TestRepository repo) throws IOException;
    }

    static Stream<Arguments> badPlaces() {
        return Stream.of(
                // Architecture names the clients do not know would silently hide the product.
                bad("unknown architecture", "images/ubuntu/jammy/amd65/default/" + V1, "'amd65'",
                        repo -> repo.containerImage("ubuntu:jammy:amd65:default", V1)),
                bad("architecture in the wrong case", "images/ubuntu/jammy/AMD64/default/" + V1, "'AMD64'",
                        repo -> repo.containerImage("ubuntu:jammy:AMD64:default", V1)),
                bad("architecture nickname", "images/ubuntu/jammy/x64/default/" + V1, "'x64'",
                        repo -> repo.containerImage("ubuntu:jammy:x64:default", V1)),
                bad("name with a comma", "images/ubuntu/jammy,noble/amd64/default/" + V1, "jammy,noble",
                        repo -> repo.containerImage("ubuntu:jammy,noble:amd64:default", V1)),
                bad("name with a space", "images/ubuntu/jammy/amd64/my variant/" + V1, "my variant",
                        repo -> repo.containerImage("ubuntu:jammy:amd64:my variant", V1)),
                bad("files directly in the variant directory", "images/ubuntu/jammy/amd64/default/lxd.tar.xz", "depth",
                        repo -> {
                            Path variant = repo.dir(UBUNTU, V1).getParent();
                            Files.createDirectories(variant);
                            Files.write(variant.resolve("lxd.tar.xz"), TestRepository.metadataTarball(UBUNTU));
                        }),
                bad("a directory inside a good version", "images/debian/bookworm/amd64/default/" + V1
                        + "/extra/rootfs.squashfs", "depth", repo -> repo.write(GOOD, V1 + "/extra", "rootfs.squashfs", "x")),
                bad("a file at the top of images/", "images/lxd.tar.xz", "depth", repo -> {
                    Files.write(repo.root().resolve("images/lxd.tar.xz"), TestRepository.metadataTarball(UBUNTU));
                }),
                bad("version that is a word", "images/ubuntu/jammy/amd64/default/latest", "not a date",
                        repo -> repo.containerImage(UBUNTU, "latest")),
                bad("version with dashes", "images/ubuntu/jammy/amd64/default/2024-11-25", "not a date",
                        repo -> repo.containerImage(UBUNTU, "2024-11-25")),
                bad("version in month 13", "images/ubuntu/jammy/amd64/default/20241325_12:00", "not a date",
                        repo -> repo.containerImage(UBUNTU, "20241325_12:00")),
                bad("version at 25 o'clock", "images/ubuntu/jammy/amd64/default/20241125_25:00", "not a date",
                        repo -> repo.containerImage(UBUNTU, "20241125_25:00")),
                // Clients order versions as strings: a second spelling would sort against time.
                bad("version without the time", "images/ubuntu/jammy/amd64/default/20241125", "not a date",
                        repo -> repo.containerImage(UBUNTU, "20241125")),
                bad("version with the time unseparated", "images/ubuntu/jammy/amd64/default/20241125_1405", "not a date",
                        repo -> repo.containerImage(UBUNTU, "20241125_1405")),
                bad("version with seconds", "images/ubuntu/jammy/amd64/default/20241125_14:05:09", "not a date",
                        repo -> repo.containerImage(UBUNTU, "20241125_14:05:09")),
                bad("version too short for the client", "images/ubuntu/jammy/amd64/default/2024112", "not a date",
                        repo -> repo.containerImage(UBUNTU, "2024112")),
                bad("metadata tarball of random bytes", versionDir(), "lxd.tar.xz",
                        repo -> corruptMetadata(repo, "not a tarball at all".getBytes(StandardCharsets.UTF_8))),
                bad("empty metadata tarball", versionDir(), "lxd.tar.xz", repo -> corruptMetadata(repo, new byte[0])),
                bad("metadata tarball cut in half", versionDir(), "lxd.tar.xz", repo -> {
                    byte[] good = TestRepository.metadataTarball(UBUNTU);
                    corruptMetadata(repo, Arrays.copyOf(good, good.length / 2));
                }),
                // No compression, so no checksum: only its tar headers, read to the end, tell that it is whole.
                bad("uncompressed metadata tarball cut short after metadata.yaml", versionDir(), "Truncated TAR",
                        repo -> {
                            byte[] yaml = Trees.metadataYaml("x86_64", "ubuntu", "jammy", "default")
                                    .getBytes(StandardCharsets.UTF_8);
                            byte[] whole = tar(new Entry("metadata.yaml", yaml),
                                    new Entry("templates/hostname.tpl", new byte[8000]));
                            corruptMetadata(repo, Arrays.copyOf(whole, whole.length / 2));
                        }),
                bad("metadata tarball without its xz footer", versionDir(), "lxd.tar.xz", repo -> {
                    byte[] good = TestRepository.metadataTarball(UBUNTU);
                    corruptMetadata(repo, Arrays.copyOf(good, good.length - 12));
                }),
                bad("metadata tarball with one byte flipped", versionDir(), "lxd.tar.xz", repo -> {
                    byte[] flipped = TestRepository.metadataTarball(UBUNTU);
                    flipped[flipped.length / 2] ^= 0x55;
                    corruptMetadata(repo, flipped);
                }),
                bad("xz that is not a tar", versionDir(), "lxd.tar.xz",
                        repo -> corruptMetadata(repo, xz("architecture: x86_64\n".getBytes(StandardCharsets.UTF_8)))),
                bad("tarball without metadata.yaml", versionDir(), "metadata.yaml",
                        repo -> corruptMetadata(repo, tarXz("templates/hostname.tpl", "{{ container.name }}"))),
                bad("metadata.yaml that is not a mapping", versionDir(), "metadata.yaml",
                        repo -> corruptMetadata(repo, TestRepository.metadataTarballFor("- just\n- a list\n"))),
                bad("metadata.yaml without architecture", versionDir(), "architecture",
                        repo -> corruptMetadata(repo, TestRepository.metadataTarballFor("creation_date: 1\n"))),
                bad("metadata.yaml that is not YAML", versionDir(), "metadata.yaml",
                        repo -> corruptMetadata(repo, TestRepository.metadataTarballFor("architecture: [x86_64\n"))),
                bad("corrupt unified tarball", versionDir(), "lxd_combined.tar.gz",
                        repo -> repo.write(UBUNTU, V1, "lxd_combined.tar.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2})),
                bad("metadata.yaml contradicting the architecture directory", versionDir(), "architecture",
                        repo -> {
                            repo.containerImage(UBUNTU, V1);
                            repo.write(UBUNTU, V1, "lxd.tar.xz", TestRepository.metadataTarballFor(
                                    Trees.metadataYaml("aarch64", "ubuntu", "jammy", "default")));
                        }),
                // Files that are not what their name says, copied in by another tool: hosts would fail on them.
                bad("a text file as rootfs.squashfs", versionDir(), "rootfs.squashfs is a text file (starting 'hello')",
                        repo -> junkRoot(repo, "rootfs.squashfs", "hello\n".getBytes(StandardCharsets.UTF_8))),
                bad("an empty squashfs", versionDir(), "rootfs.squashfs is empty",
                        repo -> junkRoot(repo, "rootfs.squashfs", new byte[0])),
                bad("a squashfs cut short", versionDir(), "is cut short: its superblock says",
                        repo -> junkRoot(repo, "rootfs.squashfs", Arrays.copyOf(RootFiles.squashfs(new byte[4000]), 2000))),
                bad("an HTML page as disk.qcow2", versionDir(), "disk.qcow2 is an HTML page",
                        repo -> junkRoot(repo, "disk.qcow2", "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8))),
                bad("a gzip tarball as root.tar.xz", versionDir(), "root.tar.xz is a gzip-compressed file",
                        repo -> junkRoot(repo, "root.tar.xz", TestRepository.unifiedTarball(UBUNTU, V1))),
                bad("a squashfs as a delta", versionDir(), "not a VCDIFF delta", repo -> {
                    repo.containerImage(UBUNTU, V1);
                    repo.write(UBUNTU, V1, "rootfs.20241101_00:00.vcdiff", RootFiles.squashfs(new byte[10]));
                }),
                bad("only a metadata tarball", versionDir(), "incomplete",
                        repo -> repo.write(UBUNTU, V1, "lxd.tar.xz", TestRepository.metadataTarball(UBUNTU))),
                bad("only a root file", versionDir(), "incomplete",
                        repo -> repo.write(UBUNTU, V1, "rootfs.squashfs", "root")),
                bad("only metadata.json", versionDir(), "incomplete",
                        repo -> repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": \"x\"}")),
                bad("only files of unknown names", versionDir(), "incomplete",
                        repo -> repo.write(UBUNTU, V1, "README.txt", "hello")));
    }

    private static void junkRoot(TestRepository repo, String name, byte[] content) throws IOException {
        repo.write(UBUNTU, V1, "lxd.tar.xz", TestRepository.metadataTarball(UBUNTU));
        repo.write(UBUNTU, V1, name, content);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPlaces")
    void aBadPlaceIsReportedAndEverythingElseIsStillPublished(String what, String problemPath, String reasonFragment,
            Damage damage) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(GOOD, V1);
        repo.containerImage(GOOD, "20241126_12:00");
        damage.apply(repo);

        TestRepository.Scan scan = repo.scan();

        scan.assertProblem(repo.root().resolve(problemPath), reasonFragment);
        assertTrue(scan.problems().stream().allMatch(p -> p.path().startsWith(problemPath)
                        || problemPath.startsWith(p.path())),
                "only the bad place is reported: " + scan.problems());
        assertEquals(List.of(GOOD), List.copyOf(scan.images().products().keySet()), "nothing of the bad place is published");
        assertEquals(2, scan.product(GOOD).versions().size());
    }

    /**
     * Problems are shown to uploaders too (page, /status, upload answers), who may not be allowed to delete:
     * advice that needs a delete names the way without it as well.
     */
    @Test
    void adviceToDeleteAlsoNamesTheWayWithoutDeletes() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        TestRepository.copyTree(repo.dir(UBUNTU, V1), repo.dir(UBUNTU, TestRepository.V2));
        repo.containerImage(GOOD, V1);
        repo.write(GOOD, V1, "root.squashfs", "another root");
        repo.containerImage("alpine:edge:amd64:default", V1);
        repo.write("alpine:edge:amd64:default", V1, "lxd.tar.xz", TestRepository.metadataTarballFor(
                Trees.metadataYaml("aarch64", "alpine", "edge", "default")));

        List<String> reasons = repo.scan().problems().stream().map(Problem::reason).toList();

        assertEquals(3, reasons.size(), reasons::toString);
        for (String reason : reasons) {
            assertTrue(reason.contains("HTTP DELETE where ALLOW_DELETES is on, otherwise on the server's disk"),
                    reason);
        }
    }

    @Test
    void aBadVersionDoesNotHideTheGoodVersionsOfItsProduct() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.containerImage(UBUNTU, "20241126_12:00");
        corruptMetadata(repo, "garbage".getBytes(StandardCharsets.UTF_8), "20241126_12:00");

        TestRepository.Scan scan = repo.scan();

        assertEquals(Set.of(V1), scan.product(UBUNTU).versions().keySet());
        scan.assertProblem(repo.dir(UBUNTU, "20241126_12:00"), "lxd.tar.xz");
    }

    @Test
    void aRepairedVersionIsPublishedOnTheNextPassAndItsProblemGoes() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        corruptMetadata(repo, "garbage".getBytes(StandardCharsets.UTF_8));
        assertFalse(repo.scan().hasProduct(UBUNTU));

        repo.containerImage(UBUNTU, V1);
        TestRepository.Scan scan = repo.scan();

        assertTrue(scan.hasVersion(UBUNTU, V1));
        assertTrue(scan.problems().isEmpty(), scan.problems().toString());
    }

    /**
     * Tools that write under temporary names (rsync's .name.XXXXXX, browsers' .part, editors' ~) and hidden
     * directories are neither published nor reported.
     */
    @ParameterizedTest
    @ValueSource(strings = {".rootfs.squashfs.Ab12Cd", "rootfs.squashfs.part", "rootfs.squashfs.tmp",
            "rootfs.squashfs~", "rootfs.squashfs.partial", ".hidden/rootfs.squashfs"})
    void temporaryAndHiddenNamesAreIgnored(String name) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, name, "being written");
        repo.write(UBUNTU, "20241126_12:00", "lxd.tar.xz", TestRepository.metadataTarball(UBUNTU));
        repo.write(UBUNTU, "20241126_12:00", name, "being written");

        TestRepository.Scan scan = repo.scan();

        assertEquals(Set.of("lxd.tar.xz", "incus.tar.xz", "rootfs.squashfs"), scan.items(UBUNTU, V1).keySet());
        assertFalse(scan.hasVersion(UBUNTU, "20241126_12:00"), "a file still being written does not complete a version");
        assertEquals(1, scan.problems().size(), scan.problems().toString());
        scan.assertProblem(repo.dir(UBUNTU, "20241126_12:00"), "incomplete");
    }

    @ParameterizedTest
    @ValueSource(strings = {"images/.trash", "images/ubuntu/.jammy", "images/ubuntu/jammy/amd64/default/.20241125_12:00",
            "images/ubuntu/jammy/amd64/default/20241126_12:00.tmp"})
    void hiddenAndTemporaryDirectoriesAreSkippedWhole(String hiddenDir) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(GOOD, V1);
        Path hidden = repo.root().resolve(hiddenDir);
        TestRepository.copyTree(repo.dir(GOOD, V1), hidden.resolve("deeper"));
        TestRepository.copyTree(repo.dir(GOOD, V1), hidden);

        TestRepository.Scan scan = repo.scan();

        assertEquals(List.of(GOOD), List.copyOf(scan.images().products().keySet()));
        assertTrue(scan.problems().isEmpty(), scan.problems().toString());
    }

    private static Arguments bad(String what, String problemPath, String reasonFragment, Damage damage) {
        return Arguments.of(what, problemPath, reasonFragment, damage);
    }

    private static String versionDir() {
        return "images/ubuntu/jammy/amd64/default/" + V1;
    }

    private static void corruptMetadata(TestRepository repo, byte[] content) throws IOException {
        corruptMetadata(repo, content, V1);
    }

    private static void corruptMetadata(TestRepository repo, byte[] content, String version) throws IOException {
        repo.write(UBUNTU, version, "rootfs.squashfs", TestRepository.rootBytes(UBUNTU, version, "rootfs.squashfs"));
        repo.write(UBUNTU, version, "lxd.tar.xz", content);
    }

    private static byte[] xz(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (XZCompressorOutputStream xz = new XZCompressorOutputStream(bytes)) {
            xz.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] tarXz(String name, String content) throws IOException {
        return xz(tar(new Entry(name, content.getBytes(StandardCharsets.UTF_8))));
    }

    private record Entry(String name, byte[] content) {
    }

    /** An uncompressed tarball of the entries, in their order. */
    private static byte[] tar(Entry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Entry entry : entries) {
                TarArchiveEntry header = new TarArchiveEntry(entry.name());
                header.setSize(entry.content().length);
                tar.putArchiveEntry(header);
                tar.write(entry.content());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
