package dev.simplestreams.upload;

/** The request names a path, file kind or version the layout does not allow, or its content is unusable. */
public class InvalidUploadException extends UploadException {

    public InvalidUploadException(String message) {
        super(message);
    }
}
