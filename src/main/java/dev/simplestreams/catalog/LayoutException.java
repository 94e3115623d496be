package dev.simplestreams.catalog;

/** A path that does not follow the repository layout; the message says what is allowed. */
public class LayoutException extends Exception {
    public LayoutException(String message) {
        super(message);
    }
}
