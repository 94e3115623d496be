package dev.simplestreams.catalog;

/** A file name inside a version directory, with its recognised kind (and delta base for deltas). */
public record ImageFile(VersionKey version, String name, FileKind kind, String deltaBase) {

    public String path() {
        return version.file(name);
    }
}
