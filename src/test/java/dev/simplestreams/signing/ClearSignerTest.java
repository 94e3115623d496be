package dev.simplestreams.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.Gpg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.stream.Stream;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the server signs, checked by Debian's gpgv with the public key Debian's gpg exports. */
class ClearSignerTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    static Path dir;
    private static Gpg gpg;
    private static String fingerprint;
    private static Path keyring;
    private static ClearSigner signer;

    @BeforeAll
    static void makeKey() throws Exception {
        gpg = Gpg.in(dir);
        fingerprint = gpg.generateKey("Catalogue Signer <signer@example.com>", PASSPHRASE);
        keyring = Files.write(dir.resolve("key.gpg"), gpg.exportPublicKey(fingerprint));
        Path secret = Files.write(dir.resolve("secret.asc"), gpg.exportSecretKey(fingerprint, PASSPHRASE));
        Path passphrase = Files.writeString(dir.resolve("passphrase"), PASSPHRASE + "\n");
        signer = new ClearSigner(SigningKey.load(secret, passphrase));
    }

    @AfterAll
    static void stopAgent() {
        gpg.close();
    }

    static Stream<String> documents() {
        return Stream.of(
                "{\"format\":\"products:1.0\",\"products\":{}}",
                "{\"a\": 1}\n",
                "-----BEGIN PGP SIGNATURE-----\n- a line that starts with a dash\nfrom here on\n\n",
                "trailing blanks \t \nwindows line endings\r\nand a bare\rcarriage return\n",
                "",
                catalogOfLines(50_000));
    }

    /** Large enough for the generator's whole-run path to matter, shaped like a pretty-printed images.json. */
    private static String catalogOfLines(int lines) {
        StringBuilder text = new StringBuilder("{\n");
        for (int i = 0; i < lines; i++) {
            text.append("    \"sha256\": \"").append(Integer.toHexString(i * 31)).append("\",\n");
        }
        return text.append("}").toString();
    }

    @ParameterizedTest
    @MethodSource("documents")
    void gpgvAcceptsWhatIsSignedAndGpgRecoversTheDocument(String document) throws IOException {
        byte[] text = document.getBytes(StandardCharsets.UTF_8);
        Path signed = Files.write(dir.resolve("doc.sjson"), signer.sign(text));

        CommandResult verified = gpg.gpgv(keyring, signed);

        assertTrue(verified.ok(), verified::describe);
        assertTrue(verified.stderr().contains(fingerprint), verified.stderr());
        // gpg writes every line it takes out with a line ending, the last one too, and without the trailing
        // blanks that were not signed (a catalog has none).
        String recovered = (document + "\n").replaceAll("[ \t]+(?=\r?\n)", "");
        assertArrayEquals(recovered.getBytes(StandardCharsets.UTF_8), gpg.signedText(signed));
    }

    /**
     * The JDK's providers sign with Ed25519, RSA and NIST-curve keys over the one digest; a Brainpool key, which
     * they do not know, is signed by Bouncy Castle's own code instead. gpgv accepts both.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa3072", "nistp256", "brainpoolP256r1"})
    void everyKindOfKeySigns(String algorithm) throws Exception {
        String userId = algorithm + " <" + algorithm + "@example.com>";
        String other = gpg.generateKey(userId, PASSPHRASE, algorithm, "never", null);
        Path otherKeyring = Files.write(dir.resolve(algorithm + ".gpg"), gpg.exportPublicKey(other));
        Path secret = Files.write(dir.resolve(algorithm + ".asc"), gpg.exportSecretKey(other, PASSPHRASE));
        SigningKey key = SigningKey.load(secret, dir.resolve("passphrase"));
        Path signed = Files.write(dir.resolve(algorithm + ".sjson"), new ClearSigner(key).sign(catalogOfLines(1000)
                .getBytes(StandardCharsets.UTF_8)));

        CommandResult verified = gpg.gpgv(otherKeyring, signed);

        assertTrue(verified.ok(), verified::describe);
        assertTrue(verified.stderr().contains(other), verified.stderr());
        assertEquals(!algorithm.startsWith("brainpool"),
                SingleDigestSigner.forKey(key.privateKey(), key.publicKey().getAlgorithm()) != null);
    }

    /** Ed25519 is deterministic: Bouncy Castle's signature of the digest is the one the JDK makes. */
    @Test
    void anEd25519SignatureIsTheJdksByteForByte() throws Exception {
        String ed25519 = gpg.generateKey("ed <ed@example.com>", PASSPHRASE, "ed25519", "never", null);
        SigningKey key = SigningKey.read(gpg.exportSecretKey(ed25519, PASSPHRASE), PASSPHRASE.toCharArray(), "key");
        byte[] document = catalogOfLines(100).getBytes(StandardCharsets.UTF_8);
        PGPContentSigner signer = SingleDigestSigner.forKey(key.privateKey(), key.publicKey().getAlgorithm())
                .build(PGPSignature.CANONICAL_TEXT_DOCUMENT, key.privateKey());
        signer.getOutputStream().write(document);

        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(new JcaPGPKeyConverter().getPrivateKey(key.privateKey()));
        jdk.update(MessageDigest.getInstance("SHA-256").digest(document));

        assertArrayEquals(jdk.sign(), signer.getSignature());
    }

    @Test
    void oneChangedByteMakesGpgvRefuse() throws IOException {
        byte[] signed = signer.sign("{\"products\":{\"debian:12:amd64:default\":{}}}".getBytes(StandardCharsets.UTF_8));
        String text = new String(signed, StandardCharsets.UTF_8);
        int at = text.indexOf("debian");
        signed[at] = 'D';
        Path tampered = Files.write(dir.resolve("tampered.sjson"), signed);

        CommandResult verified = gpg.gpgv(keyring, tampered);

        assertFalse(verified.ok(), verified::describe);
        assertTrue(verified.stderr().contains("BAD signature"), verified.stderr());
    }

    @Test
    void theFingerprintIsTheOneGpgShows() {
        assertEquals(fingerprint, signer.fingerprint());
    }
}
