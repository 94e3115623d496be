package dev.simplestreams.upload;

/** Nothing exists at the path a delete names. */
public class NotFoundException extends UploadException {

    public NotFoundException(String path) {
        super("nothing to delete at " + path);
    }
}
