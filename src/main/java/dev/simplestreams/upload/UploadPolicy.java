package dev.simplestreams.upload;

/**
 * What writers may do. {@code allowOverwrites}: an upload replaces a different existing file (otherwise it
 * is stored aside). {@code allowDeletes}: DELETE is honoured. {@code maxUploadBytes}: the largest body.
 */
public record UploadPolicy(boolean allowOverwrites, boolean allowDeletes, long maxUploadBytes) {
}
