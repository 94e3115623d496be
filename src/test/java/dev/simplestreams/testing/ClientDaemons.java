package dev.simplestreams.testing;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The private LXD and Incus daemons a client test class runs each of its cases against, once with {@code lxc} and
 * once with {@code incus}: started once for the class, as each daemon takes seconds to start and stop.
 */
public final class ClientDaemons implements AutoCloseable {

    private final LxdDaemon lxd;
    private final IncusDaemon incus;

    private ClientDaemons(LxdDaemon lxd, IncusDaemon incus) {
        this.lxd = lxd;
        this.incus = incus;
    }

    public static ClientDaemons start() {
        LxdDaemon lxd = LxdDaemon.start();
        try {
            return new ClientDaemons(lxd, IncusDaemon.start());
        } catch (RuntimeException e) {
            lxd.close();
            throw e;
        }
    }

    /** Both daemons, for a parameterised test's {@code @MethodSource}. */
    public Stream<ContainerDaemon> each() {
        return Stream.of(lxd, incus);
    }

    /** Adds the simplestreams remote {@code name} at {@code url} to both clients, trusting the CA {@code caCert}. */
    public void addRemote(String name, String url, Path caCert) {
        each().forEach(daemon -> daemon.addRemote(name, url, caCert));
    }

    @Override
    public void close() {
        try {
            lxd.close();
        } finally {
            incus.close();
        }
    }
}
