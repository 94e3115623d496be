package dev.simplestreams.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.TomcatServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Steps the mirror suites share: reading a server, waiting for a state, a sync on demand, a client of it. */
final class Downstream {

    static final String USER = "uploader";
    static final String PASSWORD = "secret";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A sync fetches over loopback from a local upstream; generous for a busy machine. */
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(60);

    private Downstream() {
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(URI uri, boolean withCredentials) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
        if (withCredentials) {
            request.header("Authorization", AUTH);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server's whole audit trail, one JSON document per line, read with the uploader's (admin's) credentials. */
    static List<JsonNode> audit(TomcatServer server) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                server.uri("/audit?since=2000-01-01T00:00:00Z")).header("Authorization", AUTH).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    static void await(URI uri, Predicate<String> condition) throws Exception {
        Eventually.await(uri + " to reach the expected state", SYNC_LIMIT, () -> get(uri),
                response -> response.statusCode() == 200 && condition.test(response.body()));
    }

    /**
     * The real {@code lxc} or {@code incus} with a configuration of its own under {@code work}, trusting
     * {@code caCert} for a remote named {@code replica} at {@code url}, which it has added.
     */
    static Cli clientWithReplica(String client, Path work, Path caCert, String url) throws IOException {
        Path conf = work.resolve(client + "-conf");
        Files.createDirectories(conf.resolve("servercerts"));
        Files.copy(caCert, conf.resolve("servercerts").resolve("replica.crt"));
        Map<String, String> env = new HashMap<>();
        env.put(client.equals("lxc") ? "LXD_CONF" : "INCUS_CONF", conf.toString());
        env.put("XDG_CACHE_HOME", work.resolve(client + "-cache").toString());
        env.put("NO_PROXY", "127.0.0.1");
        Cli cli = Cli.create().env(env);
        cli.run(client, "remote", "add", "replica", url, "--protocol=simplestreams").orThrow();
        return cli;
    }

    /** The first remote's part of /status. */
    static JsonNode remoteStatus(TomcatServer server) throws Exception {
        return JSON.readTree(get(server.uri("/status")).body()).at("/mirror/remotes/0");
    }

    /** Asks for a sync with the uploader's credentials and waits until it has finished. */
    static void sync(TomcatServer server) throws Exception {
        String before = remoteStatus(server).path("last_finished").asText();
        HttpResponse<String> answer = post(server.uri("/mirror/sync"), true);
        assertEquals(202, answer.statusCode(), answer.body());
        Eventually.await("a sync to finish", SYNC_LIMIT, () -> remoteStatus(server).path("last_finished").asText(),
                finished -> !finished.equals(before));
    }
}
