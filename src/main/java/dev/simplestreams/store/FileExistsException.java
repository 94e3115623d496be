package dev.simplestreams.store;

/** The target of a write exists and replacing it was not allowed. */
public class FileExistsException extends Exception {
    public FileExistsException(String path) {
        super(path + " exists");
    }
}
