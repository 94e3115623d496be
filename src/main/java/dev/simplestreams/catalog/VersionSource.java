package dev.simplestreams.catalog;

import java.util.List;

/**
 * Everything read from one version directory. A non-null {@code rejection} means the directory could
 * not be read into something publishable (a corrupt tarball, a root file that is not what its name says, ...).
 * A non-null {@code overridesProblem} says what is wrong with its metadata.json, which does not keep the version
 * out: {@code overrides} are then the last good ones read from that file, or none.
 */
public record VersionSource(VersionKey key, List<FileFacts> files, ImageMetadata metadata, Overrides overrides,
        String rejection, String overridesProblem) {

    public VersionSource(VersionKey key, List<FileFacts> files, ImageMetadata metadata, Overrides overrides,
            String rejection) {
        this(key, files, metadata, overrides, rejection, null);
    }

    public static VersionSource rejected(VersionKey key, String reason) {
        return new VersionSource(key, List.of(), null, null, reason);
    }
}
