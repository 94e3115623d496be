package dev.simplestreams.store;

/** A path that would leave the data root, go through a link, or is malformed; the message says which. */
public class UnsafePathException extends Exception {
    public UnsafePathException(String message) {
        super(message);
    }
}
