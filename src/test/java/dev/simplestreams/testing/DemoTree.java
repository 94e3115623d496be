package dev.simplestreams.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A small tree that looks like a real server's (containers, a VM, a unified image, two versions of one
 * product) for the catalogue page's tests and its screenshot, plus the hostile values the page must keep as text.
 */
public final class DemoTree {

    /** An os override and an image description that would run script if the page did not escape them. */
    public static final String HOSTILE_OS = "<script>alert(\"os\")</script>'x";
    public static final String HOSTILE_DESCRIPTION = "<img src=x onerror=alert(1)> \"quoted\" & 'single'";
    /** A version directory whose name is markup; it breaks the layout and is reported as a problem. */
    public static final String HOSTILE_PROBLEM_DIR = "images/evil/one/amd64/default/<b onmouseover=alert(2)>";

    private DemoTree() {
    }

    public static void write(Path root) throws IOException {
        // The older version came from a mirror, as its metadata.json says: the page tells the two apart.
        Path mirrored = split(root, "ubuntu:noble:amd64:default", "20261120_04:10", 310_000);
        Files.writeString(mirrored.resolve("metadata.json"), "{\"mirrored_from\": \"upstream\"}");
        split(root, "ubuntu:noble:amd64:default", "20261125_04:12", 312_000);
        split(root, "ubuntu:noble:arm64:default", "20261125_05:02", 296_000);
        split(root, "alpine:3.20:amd64:default", "20261124_22:40", 41_000);
        Path debian = split(root, "debian:bookworm:amd64:default", "20261125_03:00", 180_000);
        Files.write(debian.resolve("disk.qcow2"), RootFiles.qcow2(bytes("debian vm", 420_000)));
        Trees.version(root, "debian:bookworm:amd64:cloud", "20261125_03:30", Map.of(
                "lxd.tar.xz", Trees.metadataTarXz(Trees.metadataYaml("x86_64", "debian", "bookworm", "cloud")),
                "root.tar.xz", RootFiles.rootTarXz(bytes("debian cloud", 150_000))));
        Trees.version(root, "fedora:41:amd64:default", "20261123_12:00", Map.of(
                "unified.tar.gz", Trees.unifiedTarGz(Trees.metadataYaml("x86_64", "fedora", "41", "default"),
                        bytes("fedora", 2_000))));
    }

    /** One product whose os and description are hostile, and a problem whose path is. */
    public static void writeHostile(Path root) throws IOException {
        String yaml = Trees.metadataYaml("x86_64", "evil", "one", "default")
                .replaceFirst("  description: .*\n", "  description: '" + HOSTILE_DESCRIPTION.replace("'", "''")
                        + "'\n");
        Trees.version(root, "evil:one:amd64:default", "20261125_10:00", Map.of(
                "lxd.tar.xz", Trees.metadataTarXz(yaml),
                "rootfs.squashfs", RootFiles.squashfs(bytes("evil", 1_000)),
                "metadata.json", ("{\"os\": " + json(HOSTILE_OS) + ", \"aliases\": [\"evil/one\"]}")
                        .getBytes(StandardCharsets.UTF_8)));
        Path bad = root.resolve(HOSTILE_PROBLEM_DIR);
        Files.createDirectories(bad);
        Files.write(bad.resolve("rootfs.squashfs"), bytes("bad", 100));
    }

    private static Path split(Path root, String product, String version, int size) throws IOException {
        return Trees.splitImage(root, product, version, RootFiles.squashfs(bytes(product + version, size - 96)));
    }

    /** Distinct bytes per seed: identical images would be refused as duplicates. */
    static byte[] bytes(String seed, int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) seed.hashCode());
        byte[] tag = seed.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tag, 0, bytes, 0, Math.min(tag.length, size));
        return bytes;
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
