package dev.simplestreams.access;

/** The access file cannot be used; the message says what is wrong in it and how to put it right. */
public final class AccessFileException extends Exception {

    public AccessFileException(String message) {
        super(message);
    }
}
