package dev.simplestreams.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Gpg;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documents clear-signed by Debian's gpg, checked against a keyring of the public keys gpg exports. */
class KeyringTest {

    private static final byte[] DOCUMENT = "{\"format\":\"products:1.0\",\"products\":{}}"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    private static Gpg gpg;
    private static String trusted;
    private static String stranger;
    private static String expired;
    private static Keyring keyring;

    @BeforeAll
    static void makeKeys() throws KeyException {
        gpg = Gpg.in(dir);
        trusted = gpg.generateKey("Upstream <upstream@example.com>", "");
        stranger = gpg.generateKey("Stranger <stranger@example.com>", "");
        expired = gpg.generateKey("Expired <expired@example.com>", "", "1d", "20200101T000000");
        byte[] ring = concat(gpg.exportPublicKey(trusted), gpg.exportPublicKey(expired));
        keyring = Keyring.read(ring, "the keyring");
    }

    @AfterAll
    static void stopAgent() {
        gpg.close();
    }

    @Test
    void aDocumentGpgSignedGivesBackExactlyItsText() throws SignatureException {
        assertArrayEquals(DOCUMENT, keyring.verify(gpg.clearsign(DOCUMENT, trusted, "", null)));
        // gpg --clearsign takes a file's last line ending for the one before the signature: it is not signed.
        byte[] lines = "{\"a\":1}\n- dashed".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(lines, keyring.verify(gpg.clearsign((new String(lines, StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8), trusted, "", null)));
    }

    @Test
    void whatTheServerSignsVerifiesToo() throws Exception {
        SigningKey key = SigningKey.read(gpg.exportSecretKey(trusted, ""), null, "key");
        byte[] text = "{\"a\":1}\n\n-x  \n".getBytes(StandardCharsets.UTF_8);

        assertArrayEquals("{\"a\":1}\n\n-x\n".getBytes(StandardCharsets.UTF_8),
                keyring.verify(new ClearSigner(key).sign(text)));
    }

    @Test
    void anUnsignedDocumentIsRefused() {
        refused(DOCUMENT, "is not clear-signed");
    }

    @Test
    void aSignatureByAKeyNotInTheKeyringIsRefused() {
        refused(gpg.clearsign(DOCUMENT, stranger, "", null), "which is not in the keyring");
    }

    @Test
    void aSignatureByAnExpiredKeyIsRefused() {
        refused(gpg.clearsign(DOCUMENT, expired, "", "20200101T120000"), "expired on 2020-01-02");
    }

    @Test
    void aChangedTextIsRefused() {
        byte[] signed = gpg.clearsign(DOCUMENT, trusted, "", null);
        String text = new String(signed, StandardCharsets.UTF_8);
        signed[text.indexOf("products:1.0")] = 'P';

        refused(signed, "the text was changed after it was signed");
    }

    @Test
    void aKeyringThatIsNoKeyringIsRefused() {
        KeyException refused = assertThrows(KeyException.class, () -> Keyring.read(DOCUMENT, "ring.gpg"));
        assertTrue(refused.getMessage().startsWith("ring.gpg is not an OpenPGP keyring"), refused.getMessage());
    }

    private static void refused(byte[] message, String expected) {
        SignatureException refused = assertThrows(SignatureException.class, () -> keyring.verify(message));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
