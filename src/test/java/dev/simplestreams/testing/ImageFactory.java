package dev.simplestreams.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Builds tiny but real LXD/Incus images with the same tools image builders use, so that the daemons accept and
 * launch them. Every archive member gets root ownership and the image's creation date as mtime, and archives are
 * sorted by name: the same inputs give the same bytes, hence the same fingerprint. Vary description or serial to
 * get distinct images.
 */
public final class ImageFactory {

    private static final String BUSYBOX = "/bin/busybox";
    private static final DateTimeFormatter SERIAL = DateTimeFormatter.ofPattern("yyyyMMdd_HH:mm").withZone(ZoneOffset.UTC);
    // Single-threaded xz (its multi-threaded output differs, and tests compare bytes); level 1 halves the time
    // of the default for a few percent of size.
    private static final Cli CLI = Cli.create().env("XZ_OPT", "-T1 -1").timeout(java.time.Duration.ofMinutes(2));

    private ImageFactory() {
    }

    /** An {@code lxd.tar.xz}/{@code incus.tar.xz} metadata tarball created now, serial {@code yyyyMMdd_HH:mm} (UTC). */
    public static Path metadataTarball(Path out, String arch, String os, String release, String variant,
            String description) {
        long now = Instant.now().getEpochSecond();
        return metadataTarball(out, arch, os, release, variant, description, now, serialOf(now));
    }

    /** @param arch the kernel/LXD architecture name (x86_64, aarch64, ...), as metadata.yaml has it */
    public static Path metadataTarball(Path out, String arch, String os, String release, String variant,
            String description, long creationDate, String serial) {
        Path stage = stage(out);
        try {
            writeMetadata(stage, arch, os, release, variant, description, creationDate, serial);
            tar(stage, out, creationDate, "-J", "metadata.yaml", "templates");
            return out;
        } finally {
            Trees.deleteTree(stage);
        }
    }

    /**
     * A new directory under /tmp for a test's tree and images, whose path the containers' root (uid 100000 in
     * the daemons' user namespace) can traverse to reach a root filesystem inside it.
     */
    public static Path workDirForContainers(String prefix) throws IOException {
        Path work = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        return work;
    }

    /**
     * A minimal root filesystem: Debian's static busybox with a link for every applet at its usual path (so
     * /sbin/init and /bin/sh exist), and the directories and /etc files LXD and Incus expect in a container.
     */
    public static Path rootfsDir(Path dir) {
        requireStaticBusybox();
        try {
            for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "lib", "etc", "dev", "proc", "sys", "run",
                    "mnt", "home", "opt", "srv", "var/log", "var/lib")) {
                Files.createDirectories(dir.resolve(d));
            }
            for (String d : List.of("tmp", "var/tmp")) {
                Files.createDirectories(dir.resolve(d));
                Cli.create().check("chmod", "1777", dir.resolve(d).toString()); // Java cannot set the sticky bit
            }
            // The rootfs dir becomes the container's "/", whatever mode the caller's temp dir had.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(dir.resolve("root"));
            Files.setPosixFilePermissions(dir.resolve("root"), PosixFilePermissions.fromString("rwx------"));
            Path busybox = dir.resolve("bin/busybox");
            Files.copy(Path.of(BUSYBOX), busybox, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String applet : CLI.check(BUSYBOX, "--list-full").split("\n")) {
                applet = applet.strip();
                if (applet.isEmpty() || applet.equals("bin/busybox")) {
                    continue;
                }
                Path link = dir.resolve(applet);
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                // Relative, so that the link also resolves inside the rootfs when looked at from the host.
                Files.createSymbolicLink(link, link.getParent().relativize(busybox));
            }
            write(dir, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
            write(dir, "etc/group", "root:x:0:\n");
            write(dir, "etc/hostname", "busybox\n");
            write(dir, "etc/hosts", "127.0.0.1 localhost\n::1 localhost\n");
            write(dir, "etc/os-release", "NAME=\"BusyBox\"\nID=busybox\nPRETTY_NAME=\"BusyBox test image\"\n");
            // Without an inittab busybox init spawns shells on tty2..tty4; this one only idles and reaps, and
            // still halts on SIGPWR as `lxc stop` expects.
            write(dir, "etc/inittab", "::sysinit:/bin/true\n::shutdown:/bin/sync\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build rootfs in " + dir, e);
        }
    }

    /** The {@code squashfs} root item of a split container image. */
    public static Path squashfs(Path rootfs, Path out) {
        String t = String.valueOf(fixedTime());
        CLI.check("mksquashfs", rootfs.toString(), out.toString(), "-noappend", "-all-root", "-no-progress", "-quiet",
                "-all-time", t, "-mkfs-time", t);
        return out;
    }

    /** The {@code root.tar.xz} root item of a split container image. */
    public static Path rootTarXz(Path rootfs, Path out) {
        tar(rootfs, out, fixedTime(), "-J", ".");
        return out;
    }

    /** The {@code disk-kvm.img} root item of a split VM image: an empty qcow2 (VMs cannot boot on these machines). */
    public static Path qcow2(Path out) {
        CLI.check("qemu-img", "create", "-q", "-f", "qcow2", out.toString(), "64M");
        return out;
    }

    /** A unified image ({@code lxd_combined.tar.gz}): metadata.yaml, templates/ and rootfs/ in one gzip tarball. */
    public static Path unifiedTarball(Path out, Path rootfs, String arch, String os, String release, String variant,
            String description) {
        long now = Instant.now().getEpochSecond();
        return unifiedTarball(out, rootfs, arch, os, release, variant, description, now, serialOf(now));
    }

    public static Path unifiedTarball(Path out, Path rootfs, String arch, String os, String release, String variant,
            String description, long creationDate, String serial) {
        Path stage = stage(out);
        try {
            writeMetadata(stage, arch, os, release, variant, description, creationDate, serial);
            CLI.check("cp", "-a", rootfs.toString(), stage.resolve("rootfs").toString());
            // gzip -n: no name or timestamp in the gzip header, so the bytes depend on the content only.
            tar(stage, out, creationDate, "--use-compress-program=gzip -n", "metadata.yaml", "rootfs", "templates");
            return out;
        } finally {
            Trees.deleteTree(stage);
        }
    }

    /** The kernel's name for this machine's architecture ({@code uname -m}), as metadata.yaml wants it. */
    public static String hostArch() {
        return CLI.check("uname", "-m").strip();
    }

    public static String serialOf(long epochSeconds) {
        return SERIAL.format(Instant.ofEpochSecond(epochSeconds));
    }

    private static void writeMetadata(Path stage, String arch, String os, String release, String variant,
            String description, long creationDate, String serial) {
        String yaml = "architecture: " + quote(arch) + "\n"
                + "creation_date: " + creationDate + "\n"
                + "properties:\n"
                + "  architecture: " + quote(arch) + "\n"
                + "  description: " + quote(description) + "\n"
                + "  os: " + quote(os) + "\n"
                + "  release: " + quote(release) + "\n"
                + "  variant: " + quote(variant) + "\n"
                + "  serial: " + quote(serial) + "\n"
                + "templates: {}\n";
        try {
            write(stage, "metadata.yaml", yaml);
            Files.createDirectories(stage.resolve("templates"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metadata in " + stage, e);
        }
    }

    private static void tar(Path from, Path out, long mtime, String compression, String... members) {
        List<String> cmd = new java.util.ArrayList<>(List.of("tar", "-C", from.toString(), "--sort=name",
                "--owner=0", "--group=0", "--numeric-owner", "--mtime=@" + mtime, compression,
                "-cf", out.toAbsolutePath().toString()));
        cmd.addAll(List.of(members));
        CLI.run(cmd).orThrow();
    }

    /** Root items carry no creation date of their own; a constant keeps their bytes reproducible. */
    private static long fixedTime() {
        return 1704067200L; // 2024-01-01T00:00:00Z
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void requireStaticBusybox() {
        CommandResult ldd = Cli.create().run("ldd", BUSYBOX);
        if (ldd.ok() || !(ldd.stdout() + ldd.stderr()).contains("not a dynamic executable")) {
            throw new IllegalStateException(BUSYBOX + " is not statically linked (install Debian's busybox-static, "
                    + "which replaces busybox); a dynamic one cannot run inside the image.\n" + ldd.describe());
        }
    }

    private static Path stage(Path out) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, ".stage-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging dir next to " + out, e);
        }
    }

    private static void write(Path dir, String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
