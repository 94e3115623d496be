package dev.simplestreams.testing;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Realm;
import org.apache.catalina.realm.LockOutRealm;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;

/**
 * The built WAR (target/ROOT, exploded by the package phase) running in an embedded Tomcat on 127.0.0.1.
 * Settings are passed as context parameters, which the server reads like environment variables.
 */
public final class TomcatServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final Path baseDir;

    private TomcatServer(Tomcat tomcat, Path baseDir) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
    }

    /** A user of the container's own realm, for WRITE_AUTH=container, with the roles the realm grants it. */
    public record RealmUser(String name, String password, List<String> roles) {
    }

    public static TomcatServer start(Path dataRoot, Map<String, String> settings) throws Exception {
        return start(dataRoot, settings, List.of());
    }

    public static TomcatServer start(Path dataRoot, Map<String, String> settings, List<RealmUser> realmUsers)
            throws Exception {
        return start(dataRoot, settings, tomcat -> {
            for (RealmUser user : realmUsers) {
                tomcat.addUser(user.name(), user.password());
                user.roles().forEach(role -> tomcat.addRole(user.name(), role));
            }
        });
    }

    /**
     * As the shipped server.xml has it: the client address and scheme from the X-Forwarded-* headers of a proxy
     * on loopback or a private network, which {@code request.getRemoteAddr()} then gives.
     */
    public static Consumer<Tomcat> behindProxy() {
        return tomcat -> tomcat.getHost().getPipeline().addValve(new RemoteIpValve());
    }

    /** As the shipped server.xml has it: {@code realm} in a LockOutRealm (5 failures in a row, 300 s). */
    public static Consumer<Tomcat> realm(Realm realm) {
        return tomcat -> {
            LockOutRealm lockOut = new LockOutRealm();
            lockOut.addRealm(realm);
            tomcat.getEngine().setRealm(lockOut);
        };
    }

    /** {@code setUp} adds to the Tomcat before it starts: valves, a realm, users of the default realm. */
    public static TomcatServer start(Path dataRoot, Map<String, String> settings, Consumer<Tomcat> setUp)
            throws Exception {
        Path webapp = Path.of(System.getProperty("webapp.dir", "target/ROOT"));
        if (!Files.isDirectory(webapp.resolve("WEB-INF"))) {
            throw new IllegalStateException(webapp + " holds no exploded WAR; run 'mvn package' first");
        }
        Path baseDir = Files.createTempDirectory("tomcat-");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAppBase(baseDir.toString());
        // The WAR declares its own DefaultServlet (as it overrides a stock Tomcat's global one); the embedded
        // defaults would add a second servlet of that name.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        setUp.accept(tomcat);
        Context context = tomcat.addWebapp("", webapp.toAbsolutePath().toString());
        context.addParameter("SIMPLESTREAMS_DIR", dataRoot.toString());
        settings.forEach(context::addParameter);
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            tomcat.destroy();
            throw e;
        }
        if (!context.getState().isAvailable()) {
            tomcat.stop();
            tomcat.destroy();
            throw new IllegalStateException("the web application failed to start; see the log above");
        }
        return new TomcatServer(tomcat, baseDir);
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + "/" + (path.startsWith("/") ? path.substring(1) : path));
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        deleteTree(baseDir.toFile());
    }

    private static void deleteTree(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteTree(child);
            }
        }
        file.delete();
    }
}
