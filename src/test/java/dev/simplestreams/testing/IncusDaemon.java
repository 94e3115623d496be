package dev.simplestreams.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Incus 6.0.4 (Debian bookworm-backports) as a private daemon, run like {@link LxdDaemon}. Its daemon binary is not
 * in PATH; the {@code incus} client reaches it through {@code $INCUS_DIR/unix.socket}.
 */
public final class IncusDaemon extends ContainerDaemon {

    private IncusDaemon() {
        super("incus", "INCUS_DIR",
                // INCUS_SKIP_INSTANCE_TYPES: no instance-types download from the internet at start-up.
                Map.of("INCUS_SECURITY_APPARMOR", "false", "INCUS_SKIP_INSTANCE_TYPES", "1"),
                // INCUS_CACHE: the client caches stream files for minutes, by default in ~/.cache/incus.
                Map.of("INCUS_CONF", "incus-conf", "INCUS_CACHE", "incus-cache"));
    }

    public static IncusDaemon start() {
        IncusDaemon daemon = new IncusDaemon();
        daemon.boot();
        return daemon;
    }

    /** Runs {@code incus ARGS}; returns stdout or throws with the exit code, stderr, daemon log and lxc.log files. */
    public String incus(String... args) {
        return client(args);
    }

    /** Runs {@code incus ARGS} and returns exit code, stdout and stderr without judging them. */
    public CommandResult incusResult(String... args) {
        return clientResult(args);
    }

    @Override
    List<String> daemonCommand() {
        return List.of("/usr/libexec/incus/incusd");
    }

    @Override
    List<String> admin() {
        return List.of("incus", "admin");
    }

    @Override
    public String clientName() {
        return "incus";
    }

    @Override
    Path clientConfDir() {
        return workDir().resolve("incus-conf");
    }

    @Override
    List<Path> clientCaches() {
        return List.of(workDir().resolve("incus-cache"));
    }
}
