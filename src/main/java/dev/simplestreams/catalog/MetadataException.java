package dev.simplestreams.catalog;

/** Image metadata (metadata.yaml in a tarball, or metadata.json) that cannot be used; says why. */
public class MetadataException extends Exception {
    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
