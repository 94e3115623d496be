package dev.simplestreams.catalog;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.tukaani.xz.XZInputStream;

/**
 * Checks that a root file or delta is what its name says, from its first bytes, its last bytes and its size:
 * what can be told while the bytes stream past once, without holding or reading the file again. A text file
 * named {@code rootfs.squashfs} was published and failed only when a host tried to launch it.
 *
 * <p>Feed every byte in order to {@link #update} (or the first {@link #headSize} and the last {@link #TAIL}, with
 * {@link #skip} for those between); then {@link #verify}.
 */
public final class ContentCheck {

    /** Enough of an xz stream to hold its first LZMA2 chunk (at most 64 KiB compressed) and so the first tar header. */
    private static final int XZ_HEAD = 80 << 10;
    private static final int SMALL_HEAD = 512;
    /** How many of the last bytes are looked at. */
    public static final int TAIL = 16;
    private static final int SQUASHFS_SUPERBLOCK = 96;
    private static final int QCOW2_HEADER = 72;
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
    private static final byte[] XZ_FOOTER_MAGIC = {'Y', 'Z'};
    private static final byte[] SQUASHFS_MAGIC = {'h', 's', 'q', 's'};
    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
    private static final byte[] VCDIFF_MAGIC = {(byte) 0xd6, (byte) 0xc3, (byte) 0xc4};

    private final FileKind kind;
    private final byte[] head;
    private int headLength;
    private final byte[] tail = new byte[TAIL];
    private long seen;

    private ContentCheck(FileKind kind, int headSize) {
        this.kind = kind;
        this.head = new byte[headSize];
    }

    /**
     * Whether files of this kind are checked here; metadata and unified tarballs are read by
     * {@link MetadataReader}.
     */
    public static boolean covers(FileKind kind) {
        return kind.isRoot() || kind.isDelta();
    }

    public static ContentCheck of(FileKind kind) {
        if (!covers(kind)) {
            throw new IllegalArgumentException(kind + " files are checked by reading their metadata");
        }
        return new ContentCheck(kind, kind == FileKind.ROOT_TAR_XZ ? XZ_HEAD : SMALL_HEAD);
    }

    /** How many of the first bytes are looked at. */
    public int headSize() {
        return head.length;
    }

    /** Bytes between the head and the tail that the caller did not read. */
    public void skip(long length) {
        seen += length;
    }

    public void update(byte[] bytes, int offset, int length) {
        if (headLength < head.length) {
            int n = Math.min(length, head.length - headLength);
            System.arraycopy(bytes, offset, head, headLength, n);
            headLength += n;
        }
        if (length >= TAIL) {
            System.arraycopy(bytes, offset + length - TAIL, tail, 0, TAIL);
        } else {
            System.arraycopy(tail, length, tail, 0, TAIL - length);
            System.arraycopy(bytes, offset, tail, TAIL - length, length);
        }
        seen += length;
    }

    /** Throws, saying what the bytes are and what was expected, unless they are a file of this kind. */
    public void verify() throws ContentException {
        if (seen == 0) {
            throw new ContentException("is empty");
        }
        switch (kind) {
            case SQUASHFS -> squashfs();
            case DISK_KVM -> qcow2();
            case ROOT_TAR_XZ -> tarXz();
            case SQUASHFS_DELTA, DISK_KVM_DELTA -> vcdiff();
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private void squashfs() throws ContentException {
        if (!startsWith(SQUASHFS_MAGIC)) {
            throw notA("a squashfs filesystem (which starts with 'hsqs'); build one with mksquashfs");
        }
        if (headLength < SQUASHFS_SUPERBLOCK) {
            throw new ContentException("is cut short: " + seen + " bytes, less than a squashfs superblock");
        }
        ByteBuffer superblock = ByteBuffer.wrap(head, 0, SQUASHFS_SUPERBLOCK).order(ByteOrder.LITTLE_ENDIAN);
        int major = superblock.getShort(28) & 0xffff;
        int compression = superblock.getShort(20) & 0xffff;
        long blockSize = superblock.getInt(12) & 0xffffffffL;
        int blockLog = superblock.getShort(22) & 0xffff;
        long bytesUsed = superblock.getLong(40);
        if (major != 4) {
            throw new ContentException("is a squashfs of version " + major
                    + "; LXD and Incus read version 4 (any current mksquashfs)");
        }
        if (compression < 1 || compression > 6) {
            throw new ContentException("is a squashfs with unknown compression id " + compression
                    + " (damaged superblock?)");
        }
        if (blockLog > 20 || blockLog < 12 || blockSize != 1L << blockLog) {
            throw new ContentException("is a squashfs whose superblock is damaged (block size " + blockSize + ")");
        }
        if (bytesUsed < SQUASHFS_SUPERBLOCK || bytesUsed > seen) {
            throw new ContentException("is cut short: its superblock says " + bytesUsed + " bytes, the file has "
                    + seen);
        }
    }

    private void qcow2() throws ContentException {
        if (!startsWith(QCOW2_MAGIC)) {
            throw notA("a qcow2 disk image (LXD and Incus convert VM disks from qcow2); make one with "
                    + "qemu-img convert -O qcow2");
        }
        if (headLength < QCOW2_HEADER) {
            throw new ContentException("is cut short: " + seen + " bytes, less than a qcow2 header");
        }
        ByteBuffer header = ByteBuffer.wrap(head, 0, QCOW2_HEADER);
        int version = header.getInt(4);
        int clusterBits = header.getInt(20);
        long virtualSize = header.getLong(24);
        long l1Size = header.getInt(36) & 0xffffffffL;
        long l1Offset = header.getLong(40);
        long refcountOffset = header.getLong(48);
        long refcountClusters = header.getInt(56) & 0xffffffffL;
        if (version != 2 && version != 3) {
            throw new ContentException("is a qcow2 of version " + version + "; qemu-img writes versions 2 and 3");
        }
        if (clusterBits < 9 || clusterBits > 21 || virtualSize <= 0 || l1Offset <= 0 || refcountOffset <= 0) {
            throw new ContentException("is a qcow2 whose header is damaged");
        }
        long needed = Math.max(l1Offset + l1Size * 8, refcountOffset + (refcountClusters << clusterBits));
        if (needed > seen) {
            throw new ContentException("is cut short: its qcow2 header points " + needed + " bytes in, the file has "
                    + seen);
        }
    }

    private void tarXz() throws ContentException {
        if (!startsWith(XZ_MAGIC)) {
            throw notA("an xz-compressed tarball; make one with tar -cJf");
        }
        if (!Arrays.equals(tail, TAIL - 2, TAIL, XZ_FOOTER_MAGIC, 0, 2) || seen < XZ_MAGIC.length + 2) {
            throw new ContentException("is cut short: the xz stream has no end (an interrupted copy?)");
        }
        byte[] header;
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(head, 0, headLength))) {
            header = in.readNBytes(512);
        } catch (EOFException e) {
            // The kept head ends inside the first chunk: nothing more can be told without keeping more.
            return;
        } catch (IOException e) {
            throw new ContentException("is an xz stream that cannot be decompressed (" + e.getMessage() + ")");
        }
        if (header.length < 512 || !TarUtils.verifyCheckSum(header)) {
            throw new ContentException("is xz-compressed but holds no tar archive");
        }
    }

    private void vcdiff() throws ContentException {
        if (!startsWith(VCDIFF_MAGIC)) {
            throw notA("a VCDIFF delta; make one with xdelta3 -e -s <old> <new> <delta>");
        }
    }

    private boolean startsWith(byte[] magic) {
        return headLength >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    private ContentException notA(String expected) {
        return new ContentException("is " + ContentSniffer.describe(head, headLength) + ", not " + expected);
    }

}
