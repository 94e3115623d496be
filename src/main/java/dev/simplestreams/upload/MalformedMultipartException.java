package dev.simplestreams.upload;

import java.io.IOException;

/**
 * A multipart body that does not follow RFC 7578: the client's mistake. An IOException because it surfaces
 * while a part's content is being read.
 */
public class MalformedMultipartException extends IOException {

    public MalformedMultipartException(String message) {
        super(message);
    }
}
