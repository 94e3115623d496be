package dev.simplestreams.shipping;

import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * buildah and podman (Debian's, rootful, no daemon) with a private configuration under the build directory, so that
 * nothing in /etc, /var/lib/containers or /run/containers is read or touched: runc with cgroupfs (crun fails on
 * these hybrid-cgroup machines), a file events logger, ulimits no higher than this process's hard limits (root here
 * lacks CAP_SYS_RESOURCE), overlay storage in the work dir.
 */
final class Podman {

    /** Commands the shipping tests need, with the Debian package that brings each one. */
    private static final Map<String, String> TOOLS = Map.of(
            "buildah", "buildah", "podman", "podman", "runc", "runc", "slirp4netns", "slirp4netns",
            "mmdebstrap", "mmdebstrap", "conmon", "conmon");

    private final Path work;
    private final Path storage;
    private final Cli cli;

    private Podman(Path work, Cli cli) {
        this.work = work;
        this.storage = work.resolve("storage");
        this.cli = cli;
    }

    /** Writes the private configuration into {@code work} (kept between runs, like any build output). */
    static Podman in(Path work) {
        requireTools();
        try {
            Files.createDirectories(work.resolve("tmp"));
            Files.createDirectories(work.resolve("run"));
            long nofile = Math.min(hardLimit("Max open files"), 65_536);
            long nproc = Math.min(hardLimit("Max processes"), 16_384);
            Files.writeString(work.resolve("containers.conf"), """
                    # Written by the shipping tests: a private podman/buildah configuration.
                    [containers]
                    default_ulimits = ["nofile=%1$d:%1$d", "nproc=%2$d:%2$d"]
                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    events_logfile_path = "%3$s/events.log"
                    tmp_dir = "%3$s/tmp"
                    [network]
                    network_config_dir = "%3$s/networks"
                    """.formatted(nofile, nproc, work));
            Files.writeString(work.resolve("storage.conf"), """
                    [storage]
                    driver = "overlay"
                    graphroot = "%1$s/storage"
                    runroot = "%1$s/run"
                    """.formatted(work));
            // No search registries: a name that is not local can never turn into a pull.
            Files.writeString(work.resolve("registries.conf"), "unqualified-search-registries = []\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the podman configuration in " + work, e);
        }
        Cli cli = Cli.create()
                .env("CONTAINERS_CONF", work.resolve("containers.conf").toString())
                .env("CONTAINERS_STORAGE_CONF", work.resolve("storage.conf").toString())
                .env("CONTAINERS_REGISTRIES_CONF", work.resolve("registries.conf").toString())
                .env("REGISTRIES_CONFIG_PATH", work.resolve("registries.conf").toString())
                .env("BUILDAH_ISOLATION", "chroot")
                // buildah and podman stage layers in TMPDIR (/var/tmp by default).
                .env("TMPDIR", work.resolve("tmp").toString())
                .timeout(Duration.ofMinutes(5));
        return new Podman(work, cli);
    }

    Path work() {
        return work;
    }

    Cli cli() {
        return cli;
    }

    /** {@code podman ARGS}; non-zero exits are returned. */
    CommandResult podman(String... args) {
        return cli.run(prefixed("podman", args));
    }

    /** {@code podman ARGS}; stdout, or a failure with the command's output. */
    String podmanOk(String... args) {
        return podman(args).orThrow().stdout();
    }

    CommandResult buildah(Duration timeout, String... args) {
        return cli.timeout(timeout).run(prefixed("buildah", args));
    }

    /**
     * Removes one thing this test created, by its name or ID, if it is still there ({@code kind}: container, pod,
     * volume, secret, image). Problems are collected, not thrown, so that every other removal still happens.
     */
    void remove(String kind, String nameOrId, List<String> problems) {
        if (nameOrId == null) {
            return;
        }
        CommandResult exists = switch (kind) {
            case "container" -> podman("container", "exists", nameOrId);
            case "pod" -> podman("pod", "exists", nameOrId);
            case "volume" -> podman("volume", "exists", nameOrId);
            case "image" -> podman("image", "exists", nameOrId);
            case "secret" -> podman("secret", "inspect", nameOrId);
            default -> throw new IllegalArgumentException(kind);
        };
        if (!exists.ok()) {
            return;
        }
        CommandResult removed = switch (kind) {
            case "container" -> podman("rm", "--force", "--time", "10", nameOrId);
            case "pod" -> podman("pod", "rm", "--force", nameOrId);
            case "volume" -> podman("volume", "rm", "--force", nameOrId);
            case "image" -> podman("rmi", nameOrId);
            case "secret" -> podman("secret", "rm", nameOrId);
            default -> throw new IllegalArgumentException(kind);
        };
        if (!removed.ok()) {
            problems.add(removed.describe());
        }
    }

    /**
     * Unmounts what containers/storage leaves mounted under the private storage dir once everything in it is removed
     * (the overlay driver bind-mounts its own directory), deepest first, so that the build directory can be deleted.
     */
    void unmountStorage(List<String> problems) {
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    String mountPoint = fields[4].replace("\\040", " ");
                    if (mountPoint.equals(storage.toString()) || mountPoint.startsWith(storage + "/")
                            || mountPoint.startsWith(work.resolve("run") + "/")) {
                        mounts.add(mountPoint);
                    }
                }
            }
        } catch (IOException e) {
            problems.add("cannot read /proc/self/mountinfo: " + e.getMessage());
            return;
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String mount : mounts) {
            CommandResult r = cli.run("umount", mount);
            if (!r.ok()) {
                problems.add(r.describe());
            }
        }
    }

    private static List<String> prefixed(String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(args));
        return command;
    }

    private static void requireTools() {
        List<String> missing = new ArrayList<>();
        TOOLS.forEach((tool, pkg) -> {
            if (!onPath(tool) && !Files.isExecutable(Path.of("/usr/bin", tool))
                    && !Files.isExecutable(Path.of("/usr/sbin", tool))) {
                missing.add(tool + " (Debian package " + pkg + ")");
            }
        });
        if (!Files.isExecutable(Path.of("/usr/libexec/podman/catatonit"))
                && !Files.isExecutable(Path.of("/usr/bin/catatonit"))) {
            missing.add("catatonit (Debian package catatonit; podman kube play needs it for the pod's infra container)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the shipping tests need " + String.join(", ", missing)
                    + ": run `bash scripts/install-deps.sh --tests` (as root)");
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The hard limit from /proc/self/limits, e.g. "Max open files". */
    private static long hardLimit(String name) throws IOException {
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "\\s+(\\S+)\\s+(\\S+)");
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m.group(2).equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            }
        }
        return 1024;
    }
}
