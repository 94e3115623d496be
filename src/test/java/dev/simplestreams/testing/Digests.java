package dev.simplestreams.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as the tests compute it, independently of the server's own code: of byte arrays or files one after
 * another (a split image's fingerprint is the digest of its metadata tarball followed by its root file).
 */
public final class Digests {

    private Digests() {
    }

    public static String sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path... files) throws IOException {
        byte[][] parts = new byte[files.length][];
        for (int i = 0; i < files.length; i++) {
            parts[i] = Files.readAllBytes(files[i]);
        }
        return sha256(parts);
    }
}
