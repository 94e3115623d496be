package dev.simplestreams.catalog;

/** A file whose bytes are not what its name says; the message says what they are and what was expected. */
public class ContentException extends Exception {
    public ContentException(String message) {
        super(message);
    }
}
