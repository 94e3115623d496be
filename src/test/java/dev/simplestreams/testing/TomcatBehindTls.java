package dev.simplestreams.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The server in Tomcat behind nginx (TLS 1.3, a throw-away CA), as the client tests serve a tree to the real
 * clients; reads what it serves as a client trusting that CA does.
 */
public final class TomcatBehindTls implements AutoCloseable {

    private final TomcatServer server;
    private final TestCa ca;
    private final NginxTlsProxy proxy;
    private final HttpClient https;

    private TomcatBehindTls(TomcatServer server, TestCa ca, NginxTlsProxy proxy) {
        this.server = server;
        this.ca = ca;
        this.proxy = proxy;
        this.https = HttpClient.newBuilder().sslContext(ca.sslContext()).build();
    }

    /** Serves {@code data} with {@code settings}; the CA and nginx keep their files in {@code work}. */
    public static TomcatBehindTls start(Path work, Path data, Map<String, String> settings) throws Exception {
        TomcatServer server = TomcatServer.start(data, settings);
        try {
            TestCa ca = TestCa.create(work.resolve("ca"));
            return new TomcatBehindTls(server, ca, NginxTlsProxy.start(work.resolve("nginx"), ca, server.port()));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The HTTPS address clients add as a remote. */
    public String url() {
        return proxy.httpsUrl();
    }

    public TestCa ca() {
        return ca;
    }

    /** Tomcat's own plain-HTTP port, for another proxy in front of the same server. */
    public int serverPort() {
        return server.port();
    }

    /** nginx's access log: one line for each request a client made. */
    public Path accessLog() {
        return proxy.accessLog();
    }

    /** The body of {@code path}, whatever the status. */
    public String get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path)).build();
        return https.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Polls {@code images.json} for up to {@code limit} until {@code done} holds for its body. */
    public void awaitCatalogue(String what, Duration limit, Predicate<String> done) {
        Eventually.await(what, limit, () -> get("/streams/v1/images.json"), done);
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.close();
        } finally {
            server.close();
        }
    }
}
