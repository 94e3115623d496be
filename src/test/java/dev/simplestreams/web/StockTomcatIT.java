package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.Trees;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
}
