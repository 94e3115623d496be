package dev.simplestreams.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the test harness on its own, without our server: real images into real LXD and Incus daemons, TLS 1.3
 * through nginx, and a pull by both daemons from a hand-written static stream behind that nginx. If this fails,
 * the server's integration tests cannot be trusted either way.
 */
class HarnessIT {

    @TempDir
    static Path tmp;

    static Path meta;
    static Path squashfs;
    static Path rootTarXz;
    static Path qcow2;
    static Path unified;

    static HttpServer upstream;
    static TestCa ca;
    static NginxTlsProxy proxy;

    private static final List<String> TIMINGS = new ArrayList<>();

    @BeforeAll
    static void buildImagesAndStartProxy() throws IOException {
        String arch = ImageFactory.hostArch();
        Path rootfs = timed("build rootfs dir", () -> ImageFactory.rootfsDir(tmp.resolve("rootfs")));
        meta = timed("build metadata tar.xz", () -> ImageFactory.metadataTarball(tmp.resolve("meta.tar.xz"), arch,
                "busybox", "1.35", "default", "harness split image"));
        squashfs = timed("build squashfs", () -> ImageFactory.squashfs(rootfs, tmp.resolve("rootfs.squashfs")));
        rootTarXz = timed("build root.tar.xz", () -> ImageFactory.rootTarXz(rootfs, tmp.resolve("root.tar.xz")));
        qcow2 = timed("build qcow2", () -> ImageFactory.qcow2(tmp.resolve("disk.qcow2")));
        unified = timed("build unified tar.gz", () -> ImageFactory.unifiedTarball(tmp.resolve("unified.tar.gz"),
                rootfs, arch, "busybox", "1.35", "unified", "harness unified image"));
        for (Path p : List.of(meta, squashfs, rootTarXz, qcow2, unified)) {
            TIMINGS.add(String.format("  size %-16s %,10d bytes", p.getFileName(), Files.size(p)));
            assertTrue(Files.size(p) < 5_000_000, p + " should be tiny");
        }

        Path stream = writeStaticStream(tmp.resolve("stream"), arch, squashfs);
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/echo", HarnessIT::echo);
        upstream.createContext("/", exchange -> serveFile(stream, exchange));
        upstream.start();
        ca = timed("openssl: CA + server cert", () -> TestCa.create(tmp.resolve("ca")));
        proxy = timed("nginx: start", () -> NginxTlsProxy.start(tmp.resolve("nginx"), ca,
                upstream.getAddress().getPort()));
    }

    @AfterAll
    static void stopProxyAndReport() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        System.out.println("HarnessIT timings:\n" + String.join("\n", TIMINGS));
    }

    @Test
    void imageBytesDependOnlyOnInputs() throws IOException {
        Path again = ImageFactory.squashfs(tmp.resolve("rootfs"), tmp.resolve("again.squashfs"));
        assertEquals(-1L, Files.mismatch(squashfs, again), "squashfs is reproducible");
        Path tar1 = ImageFactory.metadataTarball(tmp.resolve("m1.tar.xz"), "x86_64", "o", "r", "v", "d", 1, "s");
        Path tar2 = ImageFactory.metadataTarball(tmp.resolve("m2.tar.xz"), "x86_64", "o", "r", "v", "d", 1, "s");
        assertEquals(-1L, Files.mismatch(tar1, tar2), "metadata tarball is reproducible");
    }

    @Test
    void lxdImportsLaunchesAndExecs() {
        LxdDaemon lxd = timed("lxd: start + ready + preseed", LxdDaemon::start);
        try {
            timed("lxd: image import (squashfs)", () -> lxd.lxc("image", "import", meta.toString(),
                    squashfs.toString(), "--alias", "t1"));
            timed("lxd: launch", () -> lxd.lxc("launch", "t1", "c1"));
            String out = timed("lxd: exec", () -> lxd.lxc("exec", "c1", "--", "/bin/sh", "-c", "echo ok"));
            assertEquals("ok", out.strip());

            timed("lxd: image import (unified)", () -> lxd.lxc("image", "import", unified.toString(), "--alias",
                    "u1"));
            timed("lxd: image import (vm qcow2)", () -> lxd.lxc("image", "import", meta.toString(),
                    qcow2.toString(), "--alias", "v1"));
            String images = lxd.lxc("image", "list", "--format", "csv", "--columns", "Lt");
            assertTrue(images.contains("t1,CONTAINER"), images);
            assertTrue(images.contains("u1,CONTAINER"), images);
            assertTrue(images.contains("v1,VIRTUAL-MACHINE"), images);
            timed("lxd: launch (unified)", () -> lxd.lxc("launch", "u1", "c2"));
            assertEquals("ok", lxd.lxc("exec", "c2", "--", "/bin/sh", "-c", "echo ok").strip());

            CommandResult missing = lxd.lxcResult("launch", "no-such-alias", "c3");
            assertNotEquals(0, missing.exitCode());

            pullsFromTheStaticStreamThroughNginx(lxd, "lxd");
        } finally {
            timed("lxd: delete instances + shutdown + cleanup", () -> {
                lxd.close();
                return null;
            });
        }
        assertTrue(ContainerDaemon.mountPointsUnder(lxd.workDir()).isEmpty());
        assertTrue(Files.notExists(lxd.workDir()));
        assertTrue(ProcessHandle.of(lxd.pid()).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void incusImportsLaunchesAndExecs() {
        IncusDaemon incus = timed("incus: start + ready + preseed", IncusDaemon::start);
        try {
            timed("incus: image import (squashfs)", () -> incus.incus("image", "import", meta.toString(),
                    squashfs.toString(), "--alias", "t1"));
            timed("incus: launch", () -> incus.incus("launch", "t1", "c1"));
            String out = timed("incus: exec", () -> incus.incus("exec", "c1", "--", "/bin/sh", "-c", "echo ok"));
            assertEquals("ok", out.strip());

            timed("incus: image import (root.tar.xz)", () -> incus.incus("image", "import", meta.toString(),
                    rootTarXz.toString(), "--alias", "t2"));
            timed("incus: launch (root.tar.xz)", () -> incus.incus("launch", "t2", "c2"));
            assertEquals("ok", incus.incus("exec", "c2", "--", "/bin/sh", "-c", "echo ok").strip());
            String images = incus.incus("image", "list", "--format", "csv", "--columns", "Lt");
            assertTrue(images.contains("t1,CONTAINER"), images);
            assertTrue(images.contains("t2,CONTAINER"), images);

            pullsFromTheStaticStreamThroughNginx(incus, "incus");
        } finally {
            timed("incus: delete instances + shutdown + cleanup", () -> {
                incus.close();
                return null;
            });
        }
        assertTrue(ContainerDaemon.mountPointsUnder(incus.workDir()).isEmpty());
        assertTrue(Files.notExists(incus.workDir()));
    }

    /** The CA reaches the daemon through the client's servercerts/ only: an untrusting remote must fail. */
    private static void pullsFromTheStaticStreamThroughNginx(ContainerDaemon daemon, String name) {
        daemon.trustServerCert("t", ca.caCert());
        daemon.client("remote", "add", "t", proxy.httpsUrl(), "--protocol=simplestreams");
        String listed = timed(name + ": image list t: (https remote)", () -> daemon.client("image", "list", "t:",
                "--format", "csv", "--columns", "ld"));
        assertTrue(listed.contains("harness"), listed);
        timed(name + ": launch t:harness (pull via nginx)", () -> daemon.client("launch", "t:harness", "c9"));
        assertEquals("ok", daemon.client("exec", "c9", "--", "/bin/sh", "-c", "echo ok").strip());
        daemon.clearStreamCache();

        daemon.client("remote", "add", "untrusted", proxy.httpsUrl(), "--protocol=simplestreams");
        CommandResult untrusted = daemon.clientResult("image", "list", "untrusted:");
        assertNotEquals(0, untrusted.exitCode());
        assertTrue(untrusted.stderr().contains("certificate"), untrusted.describe());
    }

    @Test
    void nginxTerminatesTls13InFrontOfAnHttpUpstream() throws Exception {
        Cli curl = Cli.create();
        String body = curl.check("curl", "-sS", "--fail", "--noproxy", "*", "--cacert", ca.caCert().toString(),
                "--tlsv1.3", proxy.httpsUrl() + "/echo/hello");
        String hostPort = "127.0.0.1:" + proxy.port();
        assertEquals("hello from upstream\nGET /echo/hello\nHost: " + hostPort + "\nX-Forwarded-Proto: https\n"
                + "X-Forwarded-Host: " + hostPort + "\nX-Forwarded-For: 127.0.0.1\n", body);

        CommandResult tls12 = curl.run("curl", "-sS", "--noproxy", "*", "--cacert", ca.caCert().toString(),
                "--tlsv1.2", "--tls-max", "1.2", proxy.httpsUrl() + "/echo");
        assertNotEquals(0, tls12.exitCode(), "TLS 1.2 must be refused");

        // The LXD/Incus clients first try plain http on the same port: nginx must answer that at once.
        String plain = curl.check("curl", "-sS", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}",
                "http://" + hostPort + "/echo");
        assertEquals("400", plain);

        // Uploads of any size stream through (nginx's default limit would answer 413 above 1 MB).
        HttpClient java = HttpClient.newBuilder().sslContext(ca.sslContext()).build();
        byte[] upload = new byte[3 * 1024 * 1024];
        HttpResponse<String> posted = java.send(HttpRequest.newBuilder(URI.create(proxy.httpsUrl() + "/echo/up"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode());
        assertTrue(posted.body().contains("received " + upload.length + " bytes"), posted.body());
    }

    /**
     * A minimal hand-written simplestreams tree (one split squashfs image, alias "harness"), with both metadata
     * ftypes so that LXD and Incus see it. Its metadata differs from {@link #meta}, so its fingerprint is not
     * already in a daemon's store from the local import.
     */
    private static Path writeStaticStream(Path dir, String arch, Path root) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(dir.resolve("streams/v1"));
        Path metaFile = ImageFactory.metadataTarball(images.resolve("meta.tar.xz"), arch, "busybox", "1.35",
                "default", "harness stream image", 1704067200L, "20240101_00:00");
        Path rootFile = Files.copy(root, images.resolve("rootfs.squashfs"));
        String metaSha = Digests.sha256(Files.readAllBytes(metaFile));
        String combined = Digests.sha256(Files.readAllBytes(metaFile), Files.readAllBytes(rootFile));
        long metaSize = Files.size(metaFile);
        java.util.function.Function<String, String> metaItem = ftype -> """
                {"ftype": "%s", "path": "images/meta.tar.xz", "size": %d, "sha256": "%s",
                 "combined_squashfs_sha256": "%s"}""".formatted(ftype, metaSize, metaSha, combined);
        String product = "busybox:1.35:" + (arch.equals("x86_64") ? "amd64" : arch) + ":default";
        Files.writeString(dir.resolve("streams/v1/index.json"), """
                {"format": "index:1.0", "index": {"images": {"datatype": "image-downloads", "format": "products:1.0",
                 "path": "streams/v1/images.json", "products": ["%s"]}}}
                """.formatted(product));
        Files.writeString(dir.resolve("streams/v1/images.json"), """
                {"content_id": "images", "datatype": "image-downloads", "format": "products:1.0", "products": {
                 "%s": {"arch": "%s", "os": "busybox", "release": "1.35", "release_title": "1.35",
                  "variant": "default", "aliases": "harness", "versions": {"20240101_00:00": {"items": {
                   "lxd.tar.xz": %s, "incus.tar.xz": %s,
                   "squashfs": {"ftype": "squashfs", "path": "images/rootfs.squashfs", "size": %d, "sha256": "%s"}
                 }}}}}}
                """.formatted(product, arch, metaItem.apply("lxd.tar.xz"), metaItem.apply("incus.tar.xz"),
                Files.size(rootFile), Digests.sha256(Files.readAllBytes(rootFile))));
        return dir;
    }

    private static void serveFile(Path root, HttpExchange exchange) throws IOException {
        Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
    }

    private static void echo(HttpExchange exchange) throws IOException {
        long received;
        try (InputStream in = exchange.getRequestBody()) {
            received = in.transferTo(OutputStream.nullOutputStream());
        }
        var h = exchange.getRequestHeaders();
        String body = "hello from upstream\n" + exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                + "Host: " + h.getFirst("Host") + "\n"
                + "X-Forwarded-Proto: " + h.getFirst("X-Forwarded-Proto") + "\n"
                + "X-Forwarded-Host: " + h.getFirst("X-Forwarded-Host") + "\n"
                + "X-Forwarded-For: " + h.getFirst("X-Forwarded-For") + "\n"
                + (received > 0 ? "received " + received + " bytes\n" : "");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static <T> T timed(String step, Supplier<T> action) {
        long t0 = System.nanoTime();
        try {
            return action.get();
        } finally {
            String line = String.format("  %-46s %6d ms", step, (System.nanoTime() - t0) / 1_000_000);
            synchronized (TIMINGS) {
                TIMINGS.add(line);
            }
            System.out.println(line);
        }
    }
}
