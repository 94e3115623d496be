package dev.simplestreams.catalog;

/**
 * A file of a version directory as the catalogue needs it. {@code combinedSha256} is set for root files:
 * sha256 of the version's metadata tarball followed by this file, i.e. the image fingerprint.
 */
public record FileFacts(String name, FileKind kind, String deltaBase, long size, String sha256, String combinedSha256) {
}
