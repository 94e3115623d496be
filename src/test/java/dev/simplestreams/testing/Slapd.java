package dev.simplestreams.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's OpenLDAP server on 127.0.0.1 with a throwaway database in a temporary directory, filled from an LDIF
 * before it starts; stopped by its process id. The suffix is {@link #SUFFIX}, the manager {@link #MANAGER}.
 */
public final class Slapd implements AutoCloseable {

    public static final String SUFFIX = "dc=example,dc=org";
    public static final String MANAGER = "cn=manager," + SUFFIX;
    public static final String MANAGER_PASSWORD = "manager-secret";

    private final Process process;
    private final Path dir;
    private final int port;

    private Slapd(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** {@code ldif}: the entries below the suffix (the suffix's own entry is added here). */
    public static Slapd start(String ldif) throws IOException {
        Path dir = Files.createTempDirectory("slapd-");
        Files.createDirectories(dir.resolve("db"));
        Path config = dir.resolve("slapd.conf");
        Files.writeString(config, String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "pidfile " + dir.resolve("slapd.pid"),
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                "maxsize 10485760",
                "suffix \"" + SUFFIX + "\"",
                "rootdn \"" + MANAGER + "\"",
                "rootpw " + MANAGER_PASSWORD,
                "directory " + dir.resolve("db"),
                ""));
        Path data = dir.resolve("data.ldif");
        Files.writeString(data, "dn: " + SUFFIX + "\nobjectClass: dcObject\nobjectClass: organization\no: Example\n"
                + "dc: example\n\n" + ldif);
        Cli.create().check("slapadd", "-f", config.toString(), "-l", data.toString());
        int port = StockTomcat.freePort();
        // Any -d keeps slapd in the foreground: the process started is the server, stopped by its id.
        Process process = Cli.create().start(dir.resolve("slapd.log"), "slapd", "-d", "0", "-h",
                "ldap://127.0.0.1:" + port + "/", "-f", config.toString());
        Slapd slapd = new Slapd(process, dir, port);
        slapd.awaitPort(Duration.ofSeconds(20));
        return slapd;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        Cli.stop(process.toHandle(), Duration.ofSeconds(10));
        Cli.create().run("rm", "-rf", dir.toString());
    }

    private void awaitPort(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited early:\n" + Cli.tail(dir.resolve("slapd.log"), 4000));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
        throw new IllegalStateException("slapd did not listen on " + port + " within " + limit);
    }
}
