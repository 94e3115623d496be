package dev.simplestreams.catalog;

/**
 * The {@code ftype} of each item kind in a catalog, as LXD and Incus match them: one spelling for the server
 * to write, read and compare against.
 */
public final class Ftypes {

    /** Metadata tarball of a split image, as LXD reads it. */
    public static final String LXD_METADATA = "lxd.tar.xz";
    /** The same metadata tarball, as Incus reads it. */
    public static final String INCUS_METADATA = "incus.tar.xz";
    public static final String SQUASHFS = "squashfs";
    public static final String ROOT_TAR_XZ = "root.tar.xz";
    /** A virtual machine's qcow2 disk. */
    public static final String DISK_KVM_IMG = "disk-kvm.img";
    public static final String SQUASHFS_DELTA = "squashfs.vcdiff";
    public static final String DISK_KVM_IMG_DELTA = "disk-kvm.img.vcdiff";
    /** Single tarball holding metadata and root file system, as LXD reads it. */
    public static final String LXD_UNIFIED = "lxd_combined.tar.gz";
    /** The same unified tarball, as Incus reads it. */
    public static final String INCUS_UNIFIED = "incus_combined.tar.gz";

    private Ftypes() {
    }
}
