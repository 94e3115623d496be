package dev.simplestreams.upload;

/** The server's configuration forbids this write; the message names the setting that would allow it. */
public class NotAllowedException extends UploadException {

    public NotAllowedException(String message) {
        super(message);
    }
}
