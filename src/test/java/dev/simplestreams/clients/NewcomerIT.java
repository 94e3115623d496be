package dev.simplestreams.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.StockTomcat;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first hour, with nothing but the README: {@code scripts/run.sh} with an uploader, the tiny
 * image the README builds, its curl uploads, the CA trusted the README's way, {@code lxc remote add} and
 * {@code lxc image list}. Each command is taken from the README as written (only the ports differ, so a
 * developer's own local run is left alone); a README that changes them changes this test.
 */
class NewcomerIT {

    private static final Path README = Path.of("README.md");
    private static final String RUN = "UPLOAD_USER=me UPLOAD_PASSWORD=a-long-secret bash scripts/run.sh";
    private static final String BUILD = """
            mkdir -p tiny/rootfs/bin tiny/rootfs/sbin && cd tiny
            cp /bin/busybox rootfs/bin/    # a static busybox (Debian: busybox-static)
            ln -s busybox rootfs/bin/sh && ln -s ../bin/busybox rootfs/sbin/init
            cat > metadata.yaml <<EOF
            architecture: x86_64
            creation_date: $(date +%s)
            properties:
              os: tiny
              release: "1.0"
              variant: default
              description: Busybox, for trying the server out
            EOF
            tar -cJf meta.tar.xz metadata.yaml
            mksquashfs rootfs rootfs.squashfs -noappend -quiet
            """;
    private static final String UPLOAD = """
            remote=http://127.0.0.1:8080
            auth=me:a-long-secret
            dir=tiny/1.0/amd64/default/$(date -u +%Y%m%d_%H:%M)
            curl -u "$auth" -F "upload=@meta.tar.xz;filename=$dir/lxd.tar.xz"          "$remote/images/"
            curl -u "$auth" -F "upload=@rootfs.squashfs;filename=$dir/rootfs.squashfs" "$remote/images/"
            """;
    private static final String CLIENT = """
            mkdir -p ~/.config/lxc/servercerts && cp .run/tls/ca.crt ~/.config/lxc/servercerts/myimages.crt
            lxc remote add myimages https://127.0.0.1:8443 --protocol=simplestreams
            lxc image list myimages:
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    @Test
    void theReadmesCommandsPublishAnImageLxcLists() throws Exception {
        String readme = Files.readString(README);
        for (String block : List.of(RUN, BUILD, UPLOAD, CLIENT)) {
            assertTrue(readme.contains(block), "the README no longer shows:\n" + block);
        }
        int httpPort = StockTomcat.freePort();
        int httpsPort = StockTomcat.freePort();
        Path home = Files.createDirectories(work.resolve("home"));
        // The user's own configuration stays out of it: lxc reads ~/.config/lxc unless LXD_CONF says otherwise.
        Cli user = Cli.create().timeout(Duration.ofMinutes(2)).env("HOME", home.toString()).env("LXD_CONF", null);
        Path log = work.resolve("run.log");
        // The build before this test made the WAR from these very sources: run.sh must not make it again.
        FileTime built = Files.getLastModifiedTime(Path.of("target/ROOT.war"));
        Process server = user.timeout(Duration.ofMinutes(3))
                .env("UPLOAD_USER", "me").env("UPLOAD_PASSWORD", "a-long-secret")
                .env("HTTP_PORT", String.valueOf(httpPort)).env("HTTPS_PORT", String.valueOf(httpsPort))
                .env("SIMPLESTREAMS_DIR", work.resolve("data").toString())
                .start(log, "bash", "scripts/run.sh");
        try {
            awaitReady(server, httpPort, log);
            assertEquals(built, Files.getLastModifiedTime(Path.of("target/ROOT.war")), "an unchanged WAR is not rebuilt");
            String logText = Files.readString(log);
            assertFalse(logText.contains("\u001b["), "no terminal escape codes in the log:\n" + Cli.tail(log, 2000));

            user.run("bash", "-c", "cd " + quoted(work) + " && " + BUILD).orThrow("building the tiny image");
            CommandResult uploads = user.run("bash", "-c", "cd " + quoted(work.resolve("tiny")) + " && "
                    + UPLOAD.replace(":8080", ":" + httpPort)).orThrow("the README's uploads");
            String[] answers = uploads.stdout().trim().split("\n(?=\\{)");
            JsonNode last = JSON.readTree(answers[answers.length - 1]);
            assertTrue(last.at("/versions/0/published").asBoolean(), uploads.stdout());
            assertTrue(last.path("hint").asText().contains("lxc image list"), "the answer says when clients "
                    + "see it: " + uploads.stdout());

            String page = http(httpPort, "/");
            assertTrue(page.contains("lxc remote add myimages https://127.0.0.1:" + httpsPort + " --protocol"),
                    "the page opened over HTTP names the HTTPS address:\n" + page);

            CommandResult client = user.run("bash", "-c", CLIENT.replace(":8443", ":" + httpsPort))
                    .orThrow("the README's client commands");
            assertTrue(client.stdout().contains("tiny/1.0"), "lxc image list shows the alias:\n" + client.stdout());
            assertTrue(client.stdout().contains("CONTAINER"), client.stdout());
        } finally {
            Cli.stop(server.toHandle(), Duration.ofSeconds(20));
            // run.sh keeps one CATALINA_BASE per port; this port's is of no use to anyone.
            Trees.deleteTree(Path.of(".run/base-" + httpPort));
        }
    }

    private static void awaitReady(Process server, int port, Path log) {
        Eventually.until("scripts/run.sh's server to be ready", Duration.ofMinutes(3), () -> {
            if (!server.isAlive()) {
                throw new AssertionError("scripts/run.sh ended early");
            }
            try {
                http(port, "/readyz");
                return true;
            } catch (IOException notYet) {
                return false; // Tomcat is not listening yet
            }
        }, () -> Cli.tail(log, 4000));
    }

    /** The body of a 200 answer; anything else, or no answer, is an IOException. */
    private static String http(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
