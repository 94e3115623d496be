package dev.simplestreams.web;

import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Image files for upload tests, written to disk for curl. Each root file is distinct (the catalogue refuses a
 * fingerprint twice), and expected hashes are computed here with the JDK alone, not with the server's code.
 */
public final class TestImages {

    private static int counter;

    private TestImages() {
    }

    /** A metadata tarball for product {@code os:release:arch:variant}, created 2025-11-25 00:00 UTC. */
    public static byte[] metadata(String product) {
        String[] p = product.split(":");
        try {
            return Trees.metadataTarXz(Trees.metadataYaml(Trees.kernelArch(p[2]), p[0], p[1], p[3]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stand-in squashfs of {@code size} bytes, different on every call. */
    public static synchronized byte[] rootfs(int size) {
        byte[] bytes = new byte[size - 96];
        new Random(++counter * 7919L + System.nanoTime()).nextBytes(bytes);
        return RootFiles.squashfs(bytes);
    }

    static Path file(Path dir, String name, byte[] content) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
