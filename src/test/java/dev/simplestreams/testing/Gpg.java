package dev.simplestreams.testing;

import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.signing.KeyException;
import dev.simplestreams.signing.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's {@code gpg} and {@code gpgv} in a throwaway home: makes keys, exports them as operators do, clear-signs
 * as an upstream does and verifies as a downstream does. {@link #close} stops the agent gpg started for the home.
 */
public final class Gpg implements AutoCloseable {

    private final Path home;
    private final Path work;
    private final Cli cli;

    private Gpg(Path home, Path work) {
        this.home = home;
        this.work = work;
        this.cli = Cli.create().env("GNUPGHOME", home.toString());
    }

    /** A new home (mode 700, as gpg wants) under {@code dir}. */
    public static Gpg in(Path dir) {
        try {
            Path home = Files.createDirectories(dir.resolve("gnupg"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            return new Gpg(home, Files.createDirectories(dir.resolve("gpg-work")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new ed25519 signing key that never expires; {@code passphrase} "" leaves it unprotected. */
    public String generateKey(String userId, String passphrase) {
        return generateKey(userId, passphrase, "never", null);
    }

    /**
     * A new ed25519 signing key expiring after {@code expire} (gpg's form: {@code never}, {@code 1d}, ...), made
     * at {@code fakedTime} (gpg's {@code --faked-system-time} form, {@code 20200101T000000}) or now when null.
     * Returns its fingerprint.
     */
    public String generateKey(String userId, String passphrase, String expire, String fakedTime) {
        return generateKey(userId, passphrase, "ed25519", expire, fakedTime);
    }

    /** As above, of {@code algorithm} (gpg's name: {@code ed25519}, {@code rsa3072}, {@code brainpoolP256r1}). */
    public String generateKey(String userId, String passphrase, String algorithm, String expire, String fakedTime) {
        List<String> command = base(passphrase, fakedTime);
        command.addAll(List.of("--quick-gen-key", userId, algorithm, "sign", expire));
        cli.run(command).orThrow();
        String colons = cli.check("gpg", "--batch", "--with-colons", "--fingerprint", "=" + userId);
        for (String line : colons.split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new IllegalStateException("gpg listed no fingerprint for " + userId + ":\n" + colons);
    }

    /** What {@code gpg --export-secret-keys --armor} writes, protected by the key's passphrase. */
    public byte[] exportSecretKey(String fingerprint, String passphrase) {
        return output(base(passphrase, null), "--armor", "--export-secret-keys", fingerprint);
    }

    /** The server's signer for a key made here without a passphrase, as SIGNING_KEY would give it. */
    public ClearSigner signer(String fingerprint) throws KeyException {
        return new ClearSigner(SigningKey.read(exportSecretKey(fingerprint, ""), null, "key"));
    }

    /** The binary public key, as {@code gpg --export} writes it for {@code gpgv --keyring}. */
    public byte[] exportPublicKey(String fingerprint) {
        return output(new ArrayList<>(List.of("gpg", "--batch")), "--export", fingerprint);
    }

    /** {@code gpg --clearsign} of {@code text} by the key, at {@code fakedTime} when not null. */
    public byte[] clearsign(byte[] text, String fingerprint, String passphrase, String fakedTime) {
        Path input = write("clearsign-input", text);
        return output(base(passphrase, fakedTime), "--local-user", fingerprint, "--clearsign", input.toString());
    }

    /** {@code gpgv --keyring KEYRING SIGNED}: exit 0 only for a good signature by a key in the keyring. */
    public CommandResult gpgv(Path keyring, Path signed) {
        return cli.run("gpgv", "--keyring", keyring.toAbsolutePath().toString(), signed.toAbsolutePath().toString());
    }

    /** What {@code gpg --decrypt} takes out of a clear-signed file: the text the signature covers. */
    public byte[] signedText(Path signed) {
        return output(new ArrayList<>(List.of("gpg", "--batch")), "--decrypt", signed.toString());
    }

    private List<String> base(String passphrase, String fakedTime) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--pinentry-mode", "loopback",
                "--passphrase", passphrase));
        if (fakedTime != null) {
            command.addAll(List.of("--faked-system-time", fakedTime + "!"));
        }
        return command;
    }

    private byte[] output(List<String> command, String... arguments) {
        try {
            Path out = Files.createTempFile(work, "gpg-out", ".bin");
            Files.delete(out);
            command.addAll(List.of("--output", out.toString()));
            command.addAll(List.of(arguments));
            cli.run(command).orThrow();
            byte[] bytes = Files.readAllBytes(out);
            Files.delete(out);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String prefix, byte[] content) {
        try {
            return Files.write(Files.createTempFile(work, prefix, ".txt"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        cli.run("gpgconf", "--homedir", home.toString(), "--kill", "all");
    }
}
