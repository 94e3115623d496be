package dev.simplestreams.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.util.encoders.Hex;

/**
 * The server's OpenPGP signing key, unlocked: the newest key of the ring that may sign and is neither expired
 * nor revoked (the one {@code gpg --clearsign} would use), and the ring's fingerprint, which is what operators
 * and downstreams compare. Nothing here ever puts key material or the passphrase into a message.
 */
public final class SigningKey {

    private final PGPPrivateKey privateKey;
    private final PGPPublicKey publicKey;
    private final String fingerprint;

    private SigningKey(PGPPrivateKey privateKey, PGPPublicKey publicKey, String fingerprint) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.fingerprint = fingerprint;
    }

    /**
     * Reads {@code keyFile} (what {@code gpg --export-secret-keys --armor} writes, or its binary form) and
     * unlocks it with the first line of {@code passphraseFile} (null: the key is not protected).
     */
    public static SigningKey load(Path keyFile, Path passphraseFile) throws KeyException {
        byte[] key = readFile(keyFile, "key file");
        char[] passphrase = passphraseFile == null ? null : firstLine(readFile(passphraseFile, "passphrase file"));
        try {
            return read(key, passphrase, keyFile.toString());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** The key from {@code data}; {@code source} names it in messages. */
    public static SigningKey read(byte[] data, char[] passphrase, String source) throws KeyException {
        PGPSecretKeyRing ring = secretRing(data, source);
        PGPSecretKey chosen = null;
        for (Iterator<PGPSecretKey> keys = ring.getSecretKeys(); keys.hasNext(); ) {
            PGPSecretKey candidate = keys.next();
            if (!candidate.isPrivateKeyEmpty() && KeyUse.maySign(candidate.getPublicKey())
                    && KeyUse.validNow(candidate.getPublicKey(), ring.getPublicKey(), Instant.now()) == null
                    && (chosen == null || candidate.getPublicKey().getCreationTime()
                            .after(chosen.getPublicKey().getCreationTime()))) {
                chosen = candidate;
            }
        }
        String fingerprint = fingerprint(ring.getPublicKey());
        if (chosen == null) {
            String why = KeyUse.validNow(ring.getPublicKey(), ring.getPublicKey(), Instant.now());
            throw new KeyException(source + " (key " + fingerprint + ") holds no secret key that may sign now"
                    + (why == null ? " (gpg --export-secret-subkeys leaves the primary key out; export the signing "
                            + "subkey's secret too)" : ": the key " + why));
        }
        return new SigningKey(unlock(chosen, passphrase, source), chosen.getPublicKey(), fingerprint);
    }

    /** The fingerprint of the key ring, in upper-case hex as {@code gpg --fingerprint} shows it without spaces. */
    public String fingerprint() {
        return fingerprint;
    }

    PGPPrivateKey privateKey() {
        return privateKey;
    }

    PGPPublicKey publicKey() {
        return publicKey;
    }

    static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(java.util.Locale.ROOT);
    }

    private static PGPSecretKeyRing secretRing(byte[] data, String source) throws KeyException {
        Object first;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            PGPObjectFactory objects = new BcPGPObjectFactory(in);
            first = objects.nextObject();
        } catch (IOException | RuntimeException e) {
            first = null;
        }
        if (first instanceof PGPSecretKeyRing ring) {
            return ring;
        }
        if (first instanceof PGPPublicKeyRing ring) {
            throw new KeyException(source + " holds only the public key " + fingerprint(ring.getPublicKey())
                    + "; give the secret key: gpg --export-secret-keys --armor KEYID");
        }
        throw new KeyException(source + " is not an OpenPGP secret key; write one with "
                + "gpg --export-secret-keys --armor KEYID");
    }

    private static PGPPrivateKey unlock(PGPSecretKey key, char[] passphrase, String source) throws KeyException {
        boolean protectedKey = key.getKeyEncryptionAlgorithm() != 0;
        if (protectedKey && passphrase == null) {
            throw new KeyException(source + " is protected by a passphrase and none was given; put it in the "
                    + "passphrase file");
        }
        try {
            PGPPrivateKey unlocked = key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(
                    new BcPGPDigestCalculatorProvider()).build(protectedKey ? passphrase : new char[0]));
            if (unlocked == null) {
                throw new KeyException(source + " holds no usable secret key material");
            }
            return unlocked;
        } catch (PGPException | RuntimeException e) {
            throw new KeyException(protectedKey ? "the passphrase does not unlock " + source
                    : source + " cannot be unlocked (a damaged or unsupported key)");
        }
    }

    private static byte[] readFile(Path file, String what) throws KeyException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyException("the " + what + " " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new KeyException("the " + what + " " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new KeyException("the " + what + " " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    /** What {@code gpg --passphrase-file} takes: the first line, without its line ending. */
    private static char[] firstLine(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
            end++;
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
        char[] passphrase = new char[chars.remaining()];
        chars.get(passphrase);
        Arrays.fill(bytes, (byte) 0);
        Arrays.fill(chars.array(), '\0');
        return passphrase;
    }
}
