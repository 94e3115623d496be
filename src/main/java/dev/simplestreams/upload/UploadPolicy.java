package dev.simplestreams.upload;

/**
 * What uploaders may do. {@code allowOverwrites}: an upload replaces a different existing file (otherwise it
 * is stored aside). {@code maxUploadBytes}: the largest body accepted.
 */
public record UploadPolicy(boolean allowOverwrites, long maxUploadBytes) {
}
