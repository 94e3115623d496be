package dev.simplestreams.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Gpg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a key file given to the server can be unusable, each refused with a message that says which. */
class SigningKeyTest {

    private static final String PASSPHRASE = "the right passphrase";
    private static final String WRONG = "not the passphrase";

    @TempDir
    static Path dir;
    private static Gpg gpg;
    private static String fingerprint;

    @BeforeAll
    static void makeKeys() throws Exception {
        gpg = Gpg.in(dir);
        fingerprint = gpg.generateKey("Protected <protected@example.com>", PASSPHRASE);
        Files.write(dir.resolve("protected.asc"), gpg.exportSecretKey(fingerprint, PASSPHRASE));
        Files.write(dir.resolve("public.asc"), gpg.exportPublicKey(fingerprint));
        String open = gpg.generateKey("Open <open@example.com>", "");
        Files.write(dir.resolve("open.asc"), gpg.exportSecretKey(open, ""));
        String expired = gpg.generateKey("Expired <expired@example.com>", "", "1d", "20200101T000000");
        Files.write(dir.resolve("expired.asc"), gpg.exportSecretKey(expired, ""));
        Files.writeString(dir.resolve("not-a-key.json"), "{\"format\":\"products:1.0\"}");
        Files.writeString(dir.resolve("right"), PASSPHRASE + "\n");
        Files.writeString(dir.resolve("wrong"), WRONG + "\n");
    }

    @AfterAll
    static void stopAgent() {
        gpg.close();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("missing.asc", "right", "the key file " + dir.resolve("missing.asc") + " does not exist"),
                Arguments.of("not-a-key.json", null, "is not an OpenPGP secret key"),
                Arguments.of("public.asc", "right", "holds only the public key "),
                Arguments.of("protected.asc", "wrong", "the passphrase does not unlock"),
                Arguments.of("protected.asc", null, "is protected by a passphrase and none was given"),
                Arguments.of("protected.asc", "missing", "the passphrase file " + dir.resolve("missing")
                        + " does not exist"),
                Arguments.of("expired.asc", null, "holds no secret key that may sign now: the key "));
    }

    @ParameterizedTest(name = "{0} with passphrase file {1}")
    @MethodSource("refusals")
    void anUnusableKeyIsRefusedSayingWhy(String key, String passphrase, String expected) {
        KeyException refused = assertThrows(KeyException.class,
                () -> SigningKey.load(dir.resolve(key), passphrase == null ? null : dir.resolve(passphrase)));

        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
        assertFalse(refused.getMessage().contains(PASSPHRASE) || refused.getMessage().contains(WRONG),
                refused.getMessage());
    }

    @Test
    void theRightPassphraseUnlocksAndAnUnprotectedKeyNeedsNone() throws KeyException {
        assertEquals(fingerprint, SigningKey.load(dir.resolve("protected.asc"), dir.resolve("right")).fingerprint());
        SigningKey.load(dir.resolve("open.asc"), null);
    }
}
