package dev.simplestreams.catalog;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kinds of file a version directory may hold, recognised by file name. The names follow the
 * conventions of images.linuxcontainers.org and distrobuilder, plus the predecessor's spellings.
 */
public enum FileKind {
    /** Metadata tarball of a split image; published as both an {@code lxd.tar.xz} and an {@code incus.tar.xz} item. */
    METADATA(null),
    SQUASHFS(Ftypes.SQUASHFS),
    ROOT_TAR_XZ(Ftypes.ROOT_TAR_XZ),
    DISK_KVM(Ftypes.DISK_KVM_IMG),
    /** Single tarball holding metadata and rootfs; published as {@code lxd_combined.tar.gz} and {@code incus_combined.tar.gz}. */
    UNIFIED(null),
    SQUASHFS_DELTA(Ftypes.SQUASHFS_DELTA),
    DISK_KVM_DELTA(Ftypes.DISK_KVM_IMG_DELTA),
    /** Per-version overrides of os, release_title and aliases. */
    METADATA_JSON(null);

    private static final Pattern SQUASHFS_DELTA_NAME = Pattern.compile("rootfs\\.(.+)\\.vcdiff");
    private static final Pattern DISK_DELTA_NAME = Pattern.compile("disk\\.(.+)\\.qcow2\\.vcdiff");

    /** The {@code ftype} clients know this root or delta file by; null for the other kinds. */
    private final String ftype;

    FileKind(String ftype) {
        this.ftype = ftype;
    }

    public String ftype() {
        return ftype;
    }

    public boolean isRoot() {
        return this == SQUASHFS || this == ROOT_TAR_XZ || this == DISK_KVM;
    }

    public boolean isDelta() {
        return this == SQUASHFS_DELTA || this == DISK_KVM_DELTA;
    }

    /** A recognised file name: its kind and, for deltas, the version it is a delta from. */
    public record Recognised(FileKind kind, String deltaBase) {
    }

    public static Optional<Recognised> recognise(String fileName) {
        FileKind plain = switch (fileName) {
            case "lxd.tar.xz", "incus.tar.xz" -> METADATA;
            case "rootfs.squashfs", "root.squashfs" -> SQUASHFS;
            case "root.tar.xz", "rootfs.tar.xz" -> ROOT_TAR_XZ;
            case "disk.qcow2", "disk-kvm.img" -> DISK_KVM;
            case "lxd_combined.tar.gz", "incus_combined.tar.gz", "unified.tar.gz" -> UNIFIED;
            case "metadata.json" -> METADATA_JSON;
            default -> null;
        };
        if (plain != null) {
            return Optional.of(new Recognised(plain, null));
        }
        Matcher squashDelta = SQUASHFS_DELTA_NAME.matcher(fileName);
        if (squashDelta.matches() && Layout.isVersionName(squashDelta.group(1))) {
            return Optional.of(new Recognised(SQUASHFS_DELTA, squashDelta.group(1)));
        }
        Matcher diskDelta = DISK_DELTA_NAME.matcher(fileName);
        if (diskDelta.matches() && Layout.isVersionName(diskDelta.group(1))) {
            return Optional.of(new Recognised(DISK_KVM_DELTA, diskDelta.group(1)));
        }
        return Optional.empty();
    }

    public static String describeAccepted() {
        return "lxd.tar.xz or incus.tar.xz (metadata), rootfs.squashfs, root.squashfs, root.tar.xz, rootfs.tar.xz, "
                + "disk.qcow2, disk-kvm.img, lxd_combined.tar.gz, incus_combined.tar.gz, unified.tar.gz, "
                + "metadata.json, rootfs.<base-version>.vcdiff, disk.<base-version>.qcow2.vcdiff";
    }
}
