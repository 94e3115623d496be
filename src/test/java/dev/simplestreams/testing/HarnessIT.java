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
 * Proves the test harness on its own, without our server: real images into real LXD and Incus daemons, and TLS 1.3
 * through nginx. If this fails, the server's integration tests cannot be trusted either way.
 */
class HarnessIT {

    @TempDir
    static Path tmp;

    static Path meta;
    static Path squashfs;
    static Path rootTarXz;
    static Path qcow2;
    static Path unified;

    private static final List<String> TIMINGS = new ArrayList<>();

    @BeforeAll
    static void buildImages() throws IOException {
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
    }

    @AfterAll
    static void report() {
        System.out.println("HarnessIT timings:\n" + String.join("\n", TIMINGS));
    }

    @Test
    void imageBytesDependOnlyOnInputs() throws IOException {
        Path rootfs = tmp.resolve("rootfs");
        Path again = ImageFactory.squashfs(rootfs, tmp.resolve("again.squashfs"));
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
            assertTrue(missing.stderr().contains("not found") || missing.stderr().contains("couldn't be found"),
                    missing.describe());
            lxd.clearStreamCache();
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
        } finally {
            timed("incus: delete instances + shutdown + cleanup", () -> {
                incus.close();
                return null;
            });
        }
        assertTrue(ContainerDaemon.mountPointsUnder(incus.workDir()).isEmpty());
        assertTrue(Files.notExists(incus.workDir()));
    }

    @Test
    void nginxTerminatesTls13InFrontOfAnHttpUpstream() throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", HarnessIT::echo);
        upstream.start();
        Path dir = tmp.resolve("tls");
        TestCa ca = timed("openssl: CA + server cert", () -> TestCa.create(dir.resolve("ca")));
        try (NginxTlsProxy proxy = timed("nginx: start", () -> NginxTlsProxy.start(dir.resolve("nginx"), ca,
                upstream.getAddress().getPort()))) {
            Cli curl = Cli.create();
            String body = curl.check("curl", "-sS", "--fail", "--noproxy", "*", "--cacert", ca.caCert().toString(),
                    "--tlsv1.3", proxy.httpsUrl() + "/hello");
            String hostPort = "127.0.0.1:" + proxy.port();
            assertEquals("hello from upstream\nGET /hello\nHost: " + hostPort + "\nX-Forwarded-Proto: https\n"
                    + "X-Forwarded-Host: " + hostPort + "\nX-Forwarded-For: 127.0.0.1\n", body);

            CommandResult tls12 = curl.run("curl", "-sS", "--noproxy", "*", "--cacert", ca.caCert().toString(),
                    "--tlsv1.2", "--tls-max", "1.2", proxy.httpsUrl() + "/");
            assertNotEquals(0, tls12.exitCode(), "TLS 1.2 must be refused");

            // The LXD/Incus clients first try plain http on the same port: nginx must answer that at once.
            String plain = curl.check("curl", "-sS", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://" + hostPort + "/");
            assertEquals("400", plain);

            // Uploads of any size stream through (nginx's default limit would answer 413 above 1 MB).
            HttpClient java = HttpClient.newBuilder().sslContext(ca.sslContext()).build();
            byte[] upload = new byte[3 * 1024 * 1024];
            HttpResponse<String> posted = java.send(HttpRequest.newBuilder(URI.create(proxy.httpsUrl() + "/up"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, posted.statusCode());
            assertTrue(posted.body().contains("received " + upload.length + " bytes"), posted.body());
        } finally {
            upstream.stop(0);
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
