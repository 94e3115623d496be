package dev.simplestreams.upload;

/** A body larger than MAX_UPLOAD_BYTES; {@code actual} is a lower bound when the body was cut short. */
public class TooLargeException extends UploadException {

    private final long permitted;
    private final long actual;

    public TooLargeException(long permitted, long actual) {
        super("the upload is larger than the " + permitted + " bytes this server accepts (MAX_UPLOAD_BYTES); "
                + "nothing was stored");
        this.permitted = permitted;
        this.actual = actual;
    }

    public long permitted() {
        return permitted;
    }

    public long actual() {
        return actual;
    }
}
