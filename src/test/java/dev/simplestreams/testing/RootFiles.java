package dev.simplestreams.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Stand-ins for root files that pass the server's content checks (a squashfs superblock, a qcow2 header, a VCDIFF
 * magic, a real tar.xz) around arbitrary bytes: tests about hashing, placement and publication need files that
 * are distinct and cheap, not bootable. Tests that launch images build real ones with {@link ImageFactory}.
 */
public final class RootFiles {

    private RootFiles() {
    }

    /** A squashfs superblock (version 4, gzip, 128 KiB blocks) whose size covers {@code body}, then the body. */
    public static byte[] squashfs(byte[] body) {
        byte[] file = new byte[96 + body.length];
        System.arraycopy(squashfsSuperblock(file.length), 0, file, 0, 96);
        System.arraycopy(body, 0, file, 96, body.length);
        return file;
    }

    /** The 96 bytes of a squashfs superblock that declares a filesystem of {@code size} bytes. */
    public static byte[] squashfsSuperblock(long size) {
        ByteBuffer superblock = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);
        superblock.put(new byte[] {'h', 's', 'q', 's'});
        superblock.putInt(12, 128 << 10);
        superblock.putShort(20, (short) 1);
        superblock.putShort(22, (short) 17);
        superblock.putShort(28, (short) 4);
        superblock.putLong(40, size);
        return superblock.array();
    }

    /** A qcow2 version 3 header with 512-byte clusters, its tables inside the file, then the body. */
    public static byte[] qcow2(byte[] body) {
        int tables = 1536;
        ByteBuffer file = ByteBuffer.allocate(tables + body.length);
        file.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb});
        file.putInt(4, 3);
        file.putInt(20, 9);
        file.putLong(24, 1L << 30);
        file.putInt(36, 1);
        file.putLong(40, 512);
        file.putLong(48, 1024);
        file.putInt(56, 1);
        file.put(tables, body);
        return file.array();
    }

    /** The VCDIFF magic and version byte xdelta3 writes, then the body. */
    public static byte[] vcdiff(byte[] body) {
        byte[] file = new byte[4 + body.length];
        file[0] = (byte) 0xd6;
        file[1] = (byte) 0xc3;
        file[2] = (byte) 0xc4;
        System.arraycopy(body, 0, file, 4, body.length);
        return file;
    }

    /** A real xz-compressed tarball holding one file with {@code body}. */
    public static byte[] rootTarXz(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZOutputStream(out, new LZMA2Options(1)))) {
            TarArchiveEntry entry = new TarArchiveEntry("root");
            entry.setSize(body.length);
            entry.setModTime(0);
            tar.putArchiveEntry(entry);
            tar.write(body);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A stand-in of the kind its file name says, around {@code body}; other names get the body as it is. */
    public static byte[] forName(String name, byte[] body) {
        if (name.endsWith(".vcdiff")) {
            return vcdiff(body);
        }
        return switch (name) {
            case "rootfs.squashfs", "root.squashfs" -> squashfs(body);
            case "disk.qcow2", "disk-kvm.img" -> qcow2(body);
            case "root.tar.xz", "rootfs.tar.xz" -> rootTarXz(body);
            default -> body;
        };
    }
}
