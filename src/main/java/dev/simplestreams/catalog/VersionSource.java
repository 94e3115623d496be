package dev.simplestreams.catalog;

import java.util.List;

/**
 * Everything read from one version directory. A non-null {@code rejection} means the directory could
 * not be read into something publishable (a corrupt tarball, malformed metadata.json, ...).
 */
public record VersionSource(VersionKey key, List<FileFacts> files, ImageMetadata metadata, Overrides overrides,
        String rejection) {

    public static VersionSource rejected(VersionKey key, String reason) {
        return new VersionSource(key, List.of(), null, null, reason);
    }
}
