package dev.simplestreams.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.testing.Cli;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The server as podman publishes it on a 127.0.0.1 port: its URLs, and requests to it as the tests make them. */
final class LoopbackHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    LoopbackHttp(int port) {
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The status of a GET, or -1 while nothing answers (the container is still starting). */
    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of a GET that must answer 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return r.body();
    }

    /** Runs the real curl with these arguments and returns the HTTP status it got. */
    static int curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--noproxy", "*", "-o", "/dev/null",
                "-w", "%{http_code}"));
        command.addAll(List.of(args));
        return Integer.parseInt(Cli.create().run(command).orThrow().stdout().strip());
    }
}
