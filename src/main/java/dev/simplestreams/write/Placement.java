package dev.simplestreams.write;

import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.catalog.ImageMetadata;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.VersionKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where an image goes when the uploader names no directory, decided the way {@code incus-simplestreams add}
 * does: os, release and variant from metadata.yaml's properties, the architecture spelled as the directory
 * layout spells it, and the version from the creation date (UTC, minute precision).
 */
final class Placement {

    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd_HH:mm")
            .withZone(ZoneOffset.UTC);
    private static final String INSTEAD = "; or name the directory yourself, e.g. "
            + "filename=ubuntu/jammy/amd64/default/20261125_14:05/lxd.tar.xz";

    private Placement() {
    }

    static VersionKey of(ImageMetadata metadata) throws WriteException {
        String os = required(metadata, "os");
        String release = required(metadata, "release");
        String variant = metadata.property("variant") == null ? "default" : metadata.property("variant");
        String arch = Architectures.directoryName(metadata.architecture()).orElseThrow(() ->
                WriteException.invalid("metadata.yaml names architecture '" + metadata.architecture()
                        + "', which LXD and Incus clients do not know" + INSTEAD));
        if (metadata.creationDate() <= 0) {
            throw WriteException.invalid("metadata.yaml has no creation_date to name the version by" + INSTEAD);
        }
        String version = VERSION.format(Instant.ofEpochSecond(metadata.creationDate()));
        try {
            return Layout.versionKey(Layout.productKey(os, release, arch, variant), version);
        } catch (LayoutException e) {
            throw WriteException.invalid("metadata.yaml does not give a usable directory: " + e.getMessage()
                    + INSTEAD);
        }
    }

    private static String required(ImageMetadata metadata, String property) throws WriteException {
        String value = metadata.property(property);
        if (value == null || value.isBlank()) {
            throw WriteException.invalid("metadata.yaml has no properties." + property + " to place the image by"
                    + INSTEAD);
        }
        return value;
    }
}
