package dev.simplestreams.upload;

import java.io.IOException;

/** A multipart body longer than the permitted bytes, noticed while it streams in. */
public class MultipartSizeException extends IOException {

    private final long permitted;

    public MultipartSizeException(long permitted) {
        super("the multipart body is longer than " + permitted + " bytes");
        this.permitted = permitted;
    }

    public long permitted() {
        return permitted;
    }
}
