package dev.simplestreams.write;

/** The answer to a delete: what was removed and what the catalogue now says about its version. */
public record DeleteReport(String deleted, VersionState version) {
}
