package dev.simplestreams.mirror;

/** The mirror configuration cannot be used; the message says what to change. */
public final class MirrorConfigException extends Exception {

    public MirrorConfigException(String message) {
        super(message);
    }
}
