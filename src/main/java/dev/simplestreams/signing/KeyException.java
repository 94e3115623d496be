package dev.simplestreams.signing;

/**
 * A signing key or keyring that cannot be used; the message says why and never holds key material or the
 * passphrase.
 */
public final class KeyException extends Exception {

    private static final long serialVersionUID = 1L;

    public KeyException(String message) {
        super(message);
    }
}
