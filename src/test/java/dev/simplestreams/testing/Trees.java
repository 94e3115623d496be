package dev.simplestreams.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * Small repository trees for tests that exercise the catalogue and HTTP behaviour (not the clients): real
 * tar.xz metadata tarballs written in-process, and arbitrary bytes standing in for root filesystems.
 */
public final class Trees {

    private Trees() {
    }

    public static String metadataYaml(String arch, String os, String release, String variant) {
        return "architecture: " + arch + "\n"
                + "creation_date: 1764028800\n"
                + "properties:\n"
                + "  architecture: " + arch + "\n"
                + "  description: " + os + " " + release + " " + arch + " (" + variant + ")\n"
                + "  os: " + os + "\n"
                + "  release: " + release + "\n"
                + "  variant: " + variant + "\n"
                + "templates: {}\n";
    }

    public static byte[] metadataTarXz(String yaml) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream xz = new XZCompressorOutputStream(bytes)) {
            writeTar(xz, Map.of("metadata.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
        }
        return bytes.toByteArray();
    }

    public static byte[] unifiedTarGz(String yaml, byte[] rootfsFile) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(bytes)) {
            writeTar(gz, new java.util.LinkedHashMap<>(Map.of(
                    "metadata.yaml", yaml.getBytes(StandardCharsets.UTF_8),
                    "rootfs/hello", rootfsFile)));
        }
        return bytes.toByteArray();
    }

    private static void writeTar(OutputStream out, Map<String, byte[]> entries) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        // metadata.yaml first, as LXD and distrobuilder write it.
        for (String name : entries.keySet().stream().sorted((a, b) -> a.equals("metadata.yaml") ? -1
                : b.equals("metadata.yaml") ? 1 : a.compareTo(b)).toList()) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            // A fixed time: the same contents must give the same bytes (and fingerprint), whenever they are built.
            entry.setModTime(0);
            entry.setSize(entries.get(name).length);
            tar.putArchiveEntry(entry);
            tar.write(entries.get(name));
            tar.closeArchiveEntry();
        }
        tar.finish();
    }

    /** Writes files into {@code images/<os>/<release>/<arch>/<variant>/<version>/}. */
    public static Path version(Path root, String product, String version, Map<String, byte[]> files) throws IOException {
        Path dir = root.resolve("images").resolve(product.replace(':', '/')).resolve(version);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(dir.resolve(file.getKey()), file.getValue());
        }
        return dir;
    }

    /** A split container image: metadata tarball and a stand-in squashfs. */
    public static Path splitImage(Path root, String product, String version, byte[] rootfs) throws IOException {
        String[] p = product.split(":");
        return version(root, product, version, Map.of(
                "lxd.tar.xz", metadataTarXz(metadataYaml(kernelArch(p[2]), p[0], p[1], p[3])),
                "rootfs.squashfs", rootfs));
    }

    public static String kernelArch(String arch) {
        return dev.simplestreams.catalog.Architectures.kernelName(arch).orElse(arch);
    }

    public static void touch(Path file, long epochMillis) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(epochMillis));
    }

    /**
     * Makes every file under {@code root} a minute old, for a tree a test writes and then starts a server on:
     * the indexer leaves files modified within the last second for a later pass (they may still be being
     * written), which would change the catalogue and its problems while the test looks.
     */
    public static void settled(Path root) throws IOException {
        long minuteAgo = System.currentTimeMillis() - 60_000;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                touch(file, minuteAgo);
            }
        }
    }

    /**
     * Waits for a server's first pass to write the catalogue, for tests that compare the whole tree before and
     * after a request: the first catalogue appearing mid-request is not the request's doing.
     */
    public static void awaitFirstCatalogue(Path root) {
        Path index = root.resolve("streams/v1/index.json");
        Eventually.await("the first catalogue under " + root, () -> Files.exists(index), Boolean::booleanValue);
    }

    /** Deletes {@code root} and everything below it, if it exists. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** A test class's teardown: closes each part that was started (null: never started), then deletes {@code work}. */
    public static void closeAndDelete(Path work, AutoCloseable... parts) throws Exception {
        for (AutoCloseable part : parts) {
            if (part != null) {
                part.close();
            }
        }
        if (work != null) {
            deleteTree(work);
        }
    }
}
