package dev.simplestreams.upload;

/** The volume holding the data root filled up while a file was written; the partial file was removed. */
public class InsufficientStorageException extends UploadException {

    public InsufficientStorageException(String path, Throwable cause) {
        super("the volume holding the image tree is full; " + path + " was not stored (the partial file was "
                + "removed and the existing images are intact); free some space and upload again", cause);
    }
}
