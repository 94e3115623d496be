package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.TestCa;
import dev.simplestreams.testing.TomcatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's promise end to end: the two curl uploads through a TLS proxy, then at once, without waiting,
 * the real {@code lxc} and {@code incus} clients list the image under its alias and fingerprint. Listing runs in
 * the client, so no daemon is needed.
 */
class UploadClientsIT {

    static final String AUTH = "uploader:secret";

    @TempDir
    static Path data;
    @TempDir
    static Path work;
    static TomcatServer server;
    static NginxTlsProxy proxy;
    static TestCa ca;

    @BeforeAll
    static void start() throws Exception {
        server = TomcatServer.start(data, Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", "secret"));
        ca = TestCa.create(work.resolve("ca"));
        proxy = NginxTlsProxy.start(work.resolve("nginx"), ca, server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        server.close();
    }

    @ParameterizedTest(name = "{0} image list right after the uploads")
    @ValueSource(strings = {"lxc", "incus"})
    void theClientListsTheImageRightAfterTheUploads(String client) {
        String product = client.equals("lxc") ? "ubuntu:xenial:amd64:default" : "ubuntu:bionic:amd64:default";
        String dir = product.replace(':', '/') + "/20261125_14:05";
        byte[] meta = TestImages.metadata(product);
        byte[] root = TestImages.rootfs(400_000);
        Path in = work.resolve(client);
        String remote = proxy.httpsUrl();
        for (String[] upload : new String[][] {{"meta.tar.xz", "lxd.tar.xz"}, {"rootfs.squashfs", "rootfs.squashfs"}}) {
            Path file = TestImages.file(in, upload[0], upload[0].equals("meta.tar.xz") ? meta : root);
            Curl.Answer answer = Curl.run("--cacert", ca.caCert().toString(), "-u", AUTH,
                    "-F", "upload=@" + file + ";filename=" + dir + "/" + upload[1], remote + "/images/");
            assertEquals(201, answer.status(), answer::toString);
        }

        Cli cli = clientCli(client, in.resolve("conf"));
        trust(in.resolve("conf"), "myimages");
        cli.run(client, "remote", "add", "myimages", remote, "--protocol=simplestreams").orThrow();
        String listed = cli.run(client, "image", "list", "myimages:", "--format", "csv", "--columns", "lfd").orThrow()
                .stdout();
        String fingerprint = Digests.sha256(meta, root);
        // One row per image: its shortest alias ("and N more"), the fingerprint's first 12 characters.
        String alias = product.split(":")[0] + "/" + product.split(":")[1];
        assertTrue(listed.lines().anyMatch(row -> row.startsWith(alias + " (") && row.contains(
                "," + fingerprint.substring(0, 12) + ",")), () -> alias + " and " + fingerprint + " in " + listed);
    }

    /** The client's own configuration and cache in the test's directory; no way out to the internet. */
    private static Cli clientCli(String client, Path conf) {
        Map<String, String> env = new HashMap<>();
        env.put(client.equals("lxc") ? "LXD_CONF" : "INCUS_CONF", conf.toString());
        env.put("XDG_CACHE_HOME", conf.resolveSibling("cache").toString());
        env.put("HTTPS_PROXY", "http://127.0.0.1:9");
        env.put("HTTP_PROXY", "http://127.0.0.1:9");
        env.put("NO_PROXY", "127.0.0.1");
        env.put("https_proxy", null);
        env.put("http_proxy", null);
        env.put("no_proxy", null);
        return Cli.create().env(env);
    }

    private static void trust(Path conf, String remote) {
        try {
            Files.createDirectories(conf.resolve("servercerts"));
            Files.copy(ca.caCert(), conf.resolve("servercerts").resolve(remote + ".crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
