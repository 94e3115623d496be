package dev.simplestreams.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Apache Tomcat 11 binary distribution (unpacked from Maven Central by the build) running the WAR as
 * ROOT.war with the project's docker/server.xml, on 127.0.0.1, configured by environment variables only:
 * exactly what a user who drops the WAR into a stock Tomcat gets.
 */
public final class StockTomcat implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    private final Path base;

    private StockTomcat(Process process, int port, Path base) {
        this.process = process;
        this.port = port;
        this.base = base;
    }

    public static StockTomcat start(Path base, Map<String, String> environment) throws IOException {
        Path home = Path.of(System.getProperty("tomcat.home", "target/tomcat-distribution/apache-tomcat"));
        Path war = Path.of(System.getProperty("war.file", "target/ROOT.war"));
        if (!Files.isExecutable(home.resolve("bin/catalina.sh"))) {
            throw new IllegalStateException(home + " holds no Tomcat distribution; run 'mvn verify'");
        }
        for (String dir : new String[] {"conf", "logs", "temp", "webapps", "work"}) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String file : new String[] {"web.xml", "logging.properties", "catalina.properties", "context.xml"}) {
            Files.copy(home.resolve("conf").resolve(file), base.resolve("conf").resolve(file));
        }
        // A test may have written its own users beforehand.
        if (!Files.exists(base.resolve("conf/tomcat-users.xml"))) {
            Files.copy(home.resolve("conf/tomcat-users.xml"), base.resolve("conf/tomcat-users.xml"));
        }
        Files.copy(Path.of("docker/server.xml"), base.resolve("conf/server.xml"));
        Files.copy(war, base.resolve("webapps/ROOT.war"));
        int port = freePort();
        Map<String, String> env = new HashMap<>(environment);
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", base.toString());
        env.put("CATALINA_OPTS", "-Dhttp.address=127.0.0.1 -Dhttp.port=" + port);
        Process process = Cli.create().env(env).start(base.resolve("catalina.out"),
                home.resolve("bin/catalina.sh").toString(), "run");
        StockTomcat tomcat = new StockTomcat(process, port, base);
        tomcat.awaitPort(Duration.ofSeconds(60));
        return tomcat;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + (path.startsWith("/") ? path.substring(1) : path));
    }

    /** The Tomcat JVM's process id: catalina.sh run execs java, so it is the started process itself. */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as the kernel's OOM killer or a node failure would: no shutdown hook, no flush. */
    public void kill9() {
        Cli.create().run("kill", "-KILL", Long.toString(process.pid()));
        Cli.waitFor(process.toHandle(), Duration.ofSeconds(20));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    public String log() {
        return Cli.tail(base.resolve("catalina.out"), 4000);
    }

    /** GETs {@code path} until it answers 200 with a body {@code until} accepts; the body. */
    public String awaitBody(String path, Predicate<String> until, Duration limit)
            throws IOException, InterruptedException {
        try {
            return Eventually.await(path + " to become as expected", limit,
                    () -> HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()),
                    response -> response.statusCode() == 200 && until.test(response.body())).body();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + log(), e);
        }
    }

    @Override
    public void close() {
        Cli.stop(process.toHandle(), Duration.ofSeconds(20));
    }

    private void awaitPort(Duration limit) {
        try {
            Eventually.until("Tomcat to listen on " + port, limit, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Tomcat exited early:\n" + log());
                }
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (IllegalStateException e) {
            close();
            throw e;
        } catch (AssertionError e) {
            close();
            throw new IllegalStateException(e.getMessage() + ":\n" + log(), e);
        }
    }

    /** A port free on 127.0.0.1 now; for the other processes of this package's fixtures too. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
