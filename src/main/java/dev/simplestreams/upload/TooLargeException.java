package dev.simplestreams.upload;

/** A body larger than MAX_UPLOAD_BYTES. */
public class TooLargeException extends UploadException {

    public TooLargeException(long permitted) {
        super("the upload is larger than the " + permitted + " bytes this server accepts (MAX_UPLOAD_BYTES); "
                + "nothing was stored");
    }
}
