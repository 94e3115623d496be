package dev.simplestreams.signing;

/** A clear-signed document that is not to be trusted: unsigned, signed by an unknown or expired key, or altered. */
public final class SignatureException extends Exception {

    private static final long serialVersionUID = 1L;

    public SignatureException(String message) {
        super(message);
    }
}
