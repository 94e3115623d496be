package dev.simplestreams.config;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Signing the catalogue, read like {@link Settings} (context parameters, then the environment).
 *
 * @param keyFile        SIGNING_KEY: an armored OpenPGP secret key ({@code gpg --export-secret-keys --armor}); null:
 *                       the catalogue is published unsigned
 * @param passphraseFile SIGNING_KEY_PASSPHRASE_FILE: a file whose first line unlocks the key; null: not protected
 */
public record SigningSettings(Path keyFile, Path passphraseFile) {

    public SigningSettings {
        if (keyFile == null && passphraseFile != null) {
            throw new IllegalArgumentException("SIGNING_KEY_PASSPHRASE_FILE is set but SIGNING_KEY is not; set "
                    + "SIGNING_KEY to the key file it unlocks");
        }
    }

    public static SigningSettings from(UnaryOperator<String> lookup) {
        return new SigningSettings(path(lookup.apply("SIGNING_KEY")),
                path(lookup.apply("SIGNING_KEY_PASSPHRASE_FILE")));
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }
}
