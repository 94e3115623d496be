package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAR dropped into the stock Tomcat distribution, configured by environment variables alone. */
class StockTomcatIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void servesTheDataRootNamedBySimplestreamsDir() throws Exception {
        Path data = work.resolve("data");
        Trees.splitImage(data, "fedora:41:arm64:cloud", "20261101_12:30", RootFiles.squashfs(new byte[] {9, 9, 9}));
        try (StockTomcat tomcat = StockTomcat.start(work.resolve("base"), Map.of("SIMPLESTREAMS_DIR", data.toString()))) {
            String images = tomcat.awaitBody("/streams/v1/images.json",
                    body -> body.contains("fedora:41:arm64:cloud"), Duration.ofSeconds(60));
            assertTrue(images.contains("\"aliases\":\"fedora/41/arm64/cloud,fedora/41/cloud\""), images);
            HttpResponse<byte[]> file = HTTP.send(HttpRequest.newBuilder(tomcat.uri(
                    "/images/fedora/41/arm64/cloud/20261101_12:30/rootfs.squashfs")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, file.statusCode(), tomcat::log);
            assertEquals(99, file.body().length);
            HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(tomcat.uri("/images/none")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(!missing.body().contains("Tomcat"), "no server details: " + missing.body());
        }
    }

    /**
     * Requests Tomcat refuses before the application (a path that climbs out with '..', however spelt) are
     * answered in JSON too, by the shipped server.xml's JsonErrorReportValve: the status under the key the
     * application's own errors use, no HTML page, no server details.
     */
    @Test
    void requestsTomcatRefusesItselfAreAnsweredInJson() throws Exception {
        Path data = work.resolve("data");
        try (StockTomcat tomcat = StockTomcat.start(work.resolve("base"), Map.of("SIMPLESTREAMS_DIR", data.toString(),
                "UPLOAD_USER", "me", "UPLOAD_PASSWORD", "secret"))) {
            Path file = Files.write(work.resolve("f"), new byte[] {1});
            String base = "http://127.0.0.1:" + tomcat.port();
            for (String path : List.of("/images/../../x/lxd.tar.xz", "/images/%2e%2e/%2e%2e/x/lxd.tar.xz",
                    "/images/a/%2e%2e/%2E%2E/%2e%2e/x/lxd.tar.xz", "/images/a/..%2f..%2f../lxd.tar.xz")) {
                String[] answer = Cli.create().check("curl", "-sS", "--path-as-is", "-u", "me:secret", "-T",
                        file.toString(), "-w", "\n%{http_code} %{content_type}", base + path).split("\n(?=[0-9]{3} )");
                String body = answer[0];
                assertTrue(answer[1].startsWith("400 application/json"), path + ": " + answer[1] + "\n" + body);
                JsonNode json = new ObjectMapper().readTree(body);
                assertEquals(400, json.path("status").asInt(), path + ": " + body);
                assertFalse(body.contains("Tomcat") || body.contains("<"), path + ": " + body);
            }
            assertFalse(Files.exists(work.resolve("x")), "nothing written");
        }
    }
}
