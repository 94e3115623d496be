package dev.simplestreams.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's LXD 5.0.2 as a private daemon: {@code try (LxdDaemon lxd = LxdDaemon.start()) { lxd.lxc("launch", ...); }}.
 * No TCP port is opened; the {@code lxc} client talks to it over {@code $LXD_DIR/unix.socket}.
 */
public final class LxdDaemon extends ContainerDaemon {

    private LxdDaemon() {
        super("lxd", "LXD_DIR", Map.of("LXD_SECURITY_APPARMOR", "false"),
                // XDG_CACHE_HOME: keeps anything the client might cache inside the work dir, not in ~/.cache.
                Map.of("LXD_CONF", "lxc-conf", "XDG_CACHE_HOME", "lxc-cache"));
    }

    public static LxdDaemon start() {
        LxdDaemon daemon = new LxdDaemon();
        daemon.boot();
        return daemon;
    }

    /** Runs {@code lxc ARGS}; returns stdout or throws with the exit code, stderr and the daemon's logs. */
    public String lxc(String... args) {
        return client(args);
    }

    /** Runs {@code lxc ARGS} and returns exit code, stdout and stderr without judging them. */
    public CommandResult lxcResult(String... args) {
        return clientResult(args);
    }

    @Override
    List<String> daemonCommand() {
        return List.of("lxd");
    }

    @Override
    List<String> admin() {
        return List.of("lxd");
    }

    @Override
    public String clientName() {
        return "lxc";
    }

    @Override
    Path clientConfDir() {
        return workDir().resolve("lxc-conf");
    }

    @Override
    List<Path> clientCaches() {
        return List.of(workDir().resolve("lxc-cache"));
    }
}
