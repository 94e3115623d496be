package dev.simplestreams.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A private, throw-away LXD or Incus daemon with its own directory under /tmp, a dir storage pool and a default
 * profile; the two differ only in names (see {@link LxdDaemon}, {@link IncusDaemon}). The daemons' start-up fetches
 * are pointed at a dead loopback proxy, their caches are cleared between tests, and cleanup follows the order that
 * leaves no mount, cgroup or lock behind.
 */
public abstract class ContainerDaemon implements AutoCloseable {

    // A dead loopback port: the daemons' start-up fetches from the internet fail fast, while Go never proxies
    // 127.0.0.1, so pulls from a loopback test server still work.
    private static final Map<String, String> NO_INTERNET = proxyEnv();

    private final String name;
    private final Path work;
    private final Path daemonDir;
    private final Path log;
    private final Cli daemonCli;
    private final Cli clientCli;
    private final Thread shutdownHook = new Thread(this::closeQuietly);
    private Process daemon;
    private boolean closed;

    /**
     * @param name        "lxd" or "incus": the work dir prefix and the name of the daemon dir inside it
     * @param dirVar      LXD_DIR / INCUS_DIR
     * @param daemonEnv   extra variables for the daemon only
     * @param clientVars  client variable name -> sub-directory of the work dir (LXD_CONF, INCUS_CACHE, ...)
     */
    ContainerDaemon(String name, String dirVar, Map<String, String> daemonEnv, Map<String, String> clientVars) {
        this.name = name;
        this.work = createWorkDir(name);
        this.daemonDir = work.resolve(name);
        this.log = work.resolve(name + ".log");
        Map<String, String> client = new HashMap<>(NO_INTERNET);
        client.put(dirVar, daemonDir.toString());
        clientVars.forEach((var, sub) -> client.put(var, work.resolve(sub).toString()));
        this.clientCli = Cli.create().env(client);
        // The admin commands (waitready, init, shutdown) are clients too: same config dirs, never the user's.
        this.daemonCli = clientCli.env(daemonEnv);
    }

    /** The daemon's command line, without its log options. */
    abstract List<String> daemonCommand();

    /** The admin command prefix: {@code lxd} or {@code incus admin}. */
    abstract List<String> admin();

    /** {@code lxc} or {@code incus}. */
    public abstract String clientName();

    /** Names parameterised test cases after the client. */
    @Override
    public String toString() {
        return clientName();
    }

    /** Where the client keeps its config (servercerts/ lives here). */
    abstract Path clientConfDir();

    /** Client-side caches of stream indexes, wiped with the daemon's by {@link #clearStreamCache()}. */
    abstract List<Path> clientCaches();

    /** Starts the daemon, waits until it answers and applies the preseed: a few seconds. */
    final void boot() {
        // Registered first so that a JVM stopped mid-start still deletes what was started.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            long t0 = System.nanoTime();
            startDaemon();
            long t1 = System.nanoTime();
            String preseed = """
                    config:
                      images.auto_update_interval: "0"
                    storage_pools:
                    - name: default
                      driver: dir
                      config:
                        source: %s
                    profiles:
                    - name: default
                      devices:
                        root:
                          path: /
                          pool: default
                          type: disk
                    """.formatted(work.resolve("pool"));
            daemonCli.timeout(Duration.ofMinutes(2)).runWithInput(preseed, cmd(admin(), "init", "--preseed"))
                    .orThrow(diagnostics());
            long t2 = System.nanoTime();
            System.out.printf("[%s] %s: started and ready in %d ms, init --preseed in %d ms%n", name, work,
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void startDaemon() {
        List<String> command = new ArrayList<>();
        // Own session: a Ctrl-C aimed at the build's process group must not kill the daemon under its containers;
        // close() (or the shutdown hook) stops it in order instead. The JVM's child is never a group leader, so
        // setsid execs in place and daemon.pid() is the daemon's own PID.
        command.add("setsid");
        command.addAll(daemonCommand());
        command.addAll(List.of("--group", "root", "--logfile", log.toString()));
        daemon = daemonCli.start(work.resolve(name + ".out"), command.toArray(String[]::new));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException(name + " daemon exited with " + daemon.exitValue()
                        + " while starting\n" + diagnostics());
            }
            // waitready alone waits its whole timeout when the daemon has died: poll it in short steps instead.
            CommandResult ready = daemonCli.run(cmd(admin(), "waitready", "--timeout", "1"));
            if (ready.ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CommandFailedException(ready, name + " not ready after 60 s\n" + diagnostics());
            }
        }
    }

    /** Runs the client CLI ({@code lxc}/{@code incus}) against this daemon; returns stdout or throws with stderr. */
    public String client(String... args) {
        return clientResult(args).orThrow(diagnostics()).stdout();
    }

    /** Runs the client CLI and returns whatever happened, for tests that expect a failure. */
    public CommandResult clientResult(String... args) {
        return clientCli.run(cmd(List.of(clientName()), args));
    }

    /** Trusts a private CA for HTTPS remote {@code remoteName}: the client passes it on to the daemon. */
    public void trustServerCert(String remoteName, Path caCert) {
        try {
            Path dir = clientConfDir().resolve("servercerts");
            Files.createDirectories(dir);
            Files.copy(caCert, dir.resolve(remoteName + ".crt"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trust " + caCert + " for remote " + remoteName, e);
        }
    }

    /** Trusts the CA {@code caCert} for simplestreams remote {@code remoteName} at {@code url} and adds it. */
    public void addRemote(String remoteName, String url, Path caCert) {
        trustServerCert(remoteName, caCert);
        client("remote", "add", remoteName, url, "--protocol=simplestreams");
    }

    /** Forgets cached stream indexes (the daemon keeps them an hour), so the next pull sees the served tree as it is. */
    public void clearStreamCache() {
        List<Path> caches = new ArrayList<>(clientCaches());
        caches.add(daemonDir.resolve("cache"));
        for (Path cache : caches) {
            if (Files.isDirectory(cache)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(cache)) {
                    for (Path entry : entries) {
                        Trees.deleteTree(entry);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot clear " + cache, e);
                }
            }
        }
    }

    public Path workDir() {
        return work;
    }

    /** LXD_DIR / INCUS_DIR. */
    public Path daemonDir() {
        return daemonDir;
    }

    public Path logFile() {
        return log;
    }

    public long pid() {
        return daemon.pid();
    }

    /**
     * Deletes every instance, shuts the daemon down (by PID if it hangs) and removes what it leaves behind: mounts
     * under the work dir, empty lxc.pivot cgroups, the liblxc lock dir and the work dir. Throws after cleaning up
     * if something could not be removed.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        cleanUp();
    }

    private void cleanUp() {
        List<String> problems = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            stopDaemon(problems);
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        long t1 = System.nanoTime();
        unmountUnder(work, problems);
        removePivotCgroups();
        // liblxc keeps its lock files under /run/lxc/lock/<daemon dir>; our work dir is unique, so all of it is ours.
        Path lock = Path.of("/run/lxc/lock" + work);
        deleteWithRm(lock, problems);
        removeEmptyParents(lock.getParent(), Path.of("/run/lxc/lock"));
        deleteWithRm(work, problems);
        System.out.printf("[%s] %s: stopped in %d ms, leftovers removed in %d ms%n", name, work,
                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(name + " daemon in " + work + " did not clean up fully:\n"
                    + String.join("\n", problems));
        }
    }

    private void stopDaemon(List<String> problems) {
        if (daemon == null) {
            return;
        }
        if (!daemon.isAlive() && hasInstances()) {
            // Only a running daemon can stop and unmount the containers of a crashed one.
            problems.add(name + " daemon had died (exit " + daemon.exitValue() + "); restarted it to clean up\n"
                    + Cli.tail(log, 2000));
            startDaemon();
        }
        if (daemon.isAlive()) {
            // Deleting first: a shutdown with running containers waits 30 s for each of them.
            long t0 = System.nanoTime();
            CommandResult list = clientResult("list", "--format", "csv", "--columns", "n");
            int deleted = 0;
            if (list.ok()) {
                for (String instance : list.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
                    CommandResult delete = clientResult("delete", "--force", instance);
                    if (delete.ok()) {
                        deleted++;
                    } else {
                        problems.add(delete.describe());
                    }
                }
            } else {
                problems.add(list.describe());
            }
            long t1 = System.nanoTime();
            CommandResult shutdown = daemonCli.timeout(Duration.ofSeconds(90)).run(cmd(admin(), "shutdown"));
            if (!shutdown.ok()) {
                problems.add(shutdown.describe());
            }
            System.out.printf("[%s] %s: deleted %d instance(s) in %d ms, shutdown in %d ms%n", name, work, deleted,
                    (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        }
        if (!Cli.waitFor(daemon.toHandle(), Duration.ofSeconds(30))) {
            problems.add(name + " daemon " + daemon.pid() + " still running after shutdown; killed it");
            Cli.stop(daemon.toHandle(), Duration.ofSeconds(10));
        }
    }

    private boolean hasInstances() {
        try (DirectoryStream<Path> d = Files.newDirectoryStream(daemonDir.resolve("containers"))) {
            return d.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** Deepest first; lazily if a mount is still busy. */
    private static void unmountUnder(Path dir, List<String> problems) {
        List<String> mounts = mountPointsUnder(dir);
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String mount : mounts) {
            CommandResult umount = Cli.create().run("umount", mount);
            if (!umount.ok()) {
                CommandResult lazy = Cli.create().run("umount", "-l", mount);
                if (!lazy.ok()) {
                    problems.add(lazy.describe());
                }
            }
        }
    }

    /** Mount points at or below {@code dir}, from /proc/self/mountinfo: a test can assert that none is left. */
    public static List<String> mountPointsUnder(Path dir) {
        String prefix = dir.toString();
        List<String> result = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                String mountPoint = unescapeOctal(f[4]);
                if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                    result.add(mountPoint);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
        return result;
    }

    private static String unescapeOctal(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * liblxc parks its monitor in an {@code lxc.pivot} cgroup at the top of each hierarchy and never removes it.
     * rmdir only succeeds on an empty cgroup, so one still used by another daemon's container is left alone.
     */
    private static void removePivotCgroups() {
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies) {
                Path pivot = hierarchy.resolve("lxc.pivot");
                if (Files.isDirectory(pivot)) {
                    try {
                        Files.delete(pivot);
                    } catch (IOException inUse) {
                        // busy or not empty: not ours to force
                    }
                }
            }
        } catch (IOException e) {
            // no cgroup fs: nothing was left there either
        }
    }

    /** rmdir fails on a non-empty directory, so a lock dir another daemon still uses is kept. */
    private static void removeEmptyParents(Path dir, Path stop) {
        for (Path p = dir; p != null && p.startsWith(stop) && !p.equals(stop); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException notEmpty) {
                return;
            }
        }
    }

    /** rm -rf without crossing into a file system still mounted below (which would delete the daemon's pool). */
    private static void deleteWithRm(Path dir, List<String> problems) {
        if (Files.exists(dir)) {
            CommandResult rm = Cli.create().run("rm", "-rf", "--one-file-system", dir.toString());
            if (!rm.ok()) {
                problems.add(rm.describe());
            }
        }
    }

    /** The daemon's log, and each container's liblxc log, which holds the real reason of a failed start. */
    String diagnostics() {
        StringBuilder b = new StringBuilder();
        b.append("--- ").append(log).append(" ---\n").append(Cli.tail(log, 3000));
        if (daemon != null && !daemon.isAlive()) {
            // A crash (Go panic) is printed to stderr only; while running, stderr repeats the log file.
            b.append("\n--- ").append(work.resolve(name + ".out")).append(" ---\n")
                    .append(Cli.tail(work.resolve(name + ".out"), 3000));
        }
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(daemonDir.resolve("logs"))) {
            for (Path instanceLogs : logs) {
                Path lxcLog = instanceLogs.resolve("lxc.log");
                if (Files.isRegularFile(lxcLog)) {
                    b.append("\n--- ").append(lxcLog).append(" ---\n").append(Cli.tail(lxcLog, 3000));
                }
            }
        } catch (IOException e) {
            // no logs dir yet
        }
        return b.toString();
    }

    /**
     * A short directory (the daemon's unix sockets must stay under 108 characters) that uid 100000, root of the
     * unprivileged containers, can traverse: mktemp-style 0700 dirs make launch fail with "Permission denied".
     */
    private static Path createWorkDir(String name) {
        Path base = Path.of("/tmp");
        try {
            for (Path p = base; p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IllegalStateException(p + " is not traversable by others (o+x); containers under "
                            + base + " could not start");
                }
            }
            Path work = Files.createTempDirectory(base, name + "-");
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
            Path pool = Files.createDirectory(work.resolve("pool"));
            Files.setPosixFilePermissions(pool, PosixFilePermissions.fromString("rwx--x--x"));
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work dir under /tmp", e);
        }
    }

    private static Map<String, String> proxyEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("HTTPS_PROXY", "http://127.0.0.1:9");
        env.put("HTTP_PROXY", "http://127.0.0.1:9");
        env.put("NO_PROXY", "");
        // Go falls back to the lower-case names when the upper-case ones are empty.
        env.put("https_proxy", null);
        env.put("http_proxy", null);
        env.put("no_proxy", null);
        return env;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("[" + name + "] cleanup at JVM exit: " + e.getMessage());
        }
    }

    private static String[] cmd(List<String> prefix, String... args) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }
}
