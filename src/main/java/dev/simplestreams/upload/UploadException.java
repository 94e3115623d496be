package dev.simplestreams.upload;

/**
 * A write that was refused or could not be completed. The message is meant for the person running curl:
 * it says what was wrong and what to do instead. Each subclass stands for one kind of answer.
 */
public abstract class UploadException extends Exception {

    protected UploadException(String message) {
        super(message);
    }

    protected UploadException(String message, Throwable cause) {
        super(message, cause);
    }
}
