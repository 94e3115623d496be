package dev.simplestreams.delta;

import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.VersionKey;

/**
 * One delta to make: from the squashfs root {@code base} of version {@code baseVersion} to {@code target}, the
 * squashfs root of version {@code version}, as the catalogue lists both.
 */
public record DeltaJob(VersionKey version, String baseVersion, Item base, Item target) {

    /** The file name clients' catalogues get it under, e.g. {@code rootfs.20261201_00:00.vcdiff}. */
    public String path() {
        return version.file(name(baseVersion));
    }

    public static String name(String baseVersion) {
        return "rootfs." + baseVersion + ".vcdiff";
    }

    /** Whether {@code fileName} is a squashfs delta, the only kind this server makes. */
    static boolean isSquashfsDelta(String fileName) {
        return FileKind.recognise(fileName).map(r -> r.kind() == FileKind.SQUASHFS_DELTA).orElse(false);
    }
}
