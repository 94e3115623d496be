package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health endpoints and the listener's lifecycle, on a real Tomcat. */
class HealthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void reportsLivenessReadinessAndTheProblemsFound() throws Exception {
        Trees.splitImage(data, "alpine:3.20:amd64:default", "20261101_00:00", RootFiles.squashfs(new byte[] {1, 2, 3}));
        Files.createDirectories(data.resolve("images/alpine/3.20/amd64/default/yesterday"));
        Files.write(data.resolve("images/alpine/3.20/amd64/default/yesterday/rootfs.squashfs"), new byte[] {4});
        Trees.settled(data);
        try (TomcatServer server = TomcatServer.start(data, Map.of())) {
            assertEquals(200, get(server, "/healthz").statusCode());
            HttpResponse<String> ready = awaitReady(server);
            assertEquals("ready", JSON.readTree(ready.body()).get("status").asText());

            JsonNode status = JSON.readTree(get(server, "/status").body());
            assertTrue(status.get("ready").asBoolean());
            assertEquals(1, status.at("/catalogue/versions").asInt());
            assertTrue(status.at("/indexer/running").asBoolean());
            assertEquals(2, status.at("/indexer/last_change/files_hashed").asInt(), "the first pass read both files");
            JsonNode problem = status.get("problems").get(0);
            assertEquals("images/alpine/3.20/amd64/default/yesterday", problem.get("path").asText());
            assertTrue(problem.get("reason").asText().contains("YYYYMMDD_HH:MM"), problem.toString());
        }
    }

    @Test
    void undeployingLeavesNoThreadBehind() throws Exception {
        try (TomcatServer server = TomcatServer.start(data, Map.of())) {
            awaitReady(server);
            assertTrue(!ourThreads().isEmpty(), "the indexer runs while deployed");
        }
        assertEquals(List.of(), ourThreads());
    }

    private static List<String> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("simplestreams-")).toList();
    }

    private static HttpResponse<String> awaitReady(TomcatServer server) throws Exception {
        return Eventually.await("/readyz to answer 200", () -> get(server, "/readyz"), r -> r.statusCode() == 200);
    }

    private static HttpResponse<String> get(TomcatServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
