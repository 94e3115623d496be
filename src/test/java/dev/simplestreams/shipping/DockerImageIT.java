package dev.simplestreams.shipping;

import static dev.simplestreams.testing.Digests.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.LxdDaemon;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a Docker user does, with podman standing in for Docker: the image built from docker/Dockerfile unchanged,
 * run with a named volume at /var/www/simplestreams, the port published on 127.0.0.1 and the uploader's
 * credentials in an env file. Its HEALTHCHECK passes, /readyz says ready, the seed's two curl commands upload a
 * real image, and the real {@code lxc} client, through nginx as the TLS proxy, lists it with its fingerprint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ShippedImage.Resolver.class)
class DockerImageIT {

    private static final String USER = "uploader";
    private static final String PASSWORD = "s3cret pass";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String container = "ss-docker-it-" + suffix;
    private final String volume = "ss-docker-it-data-" + suffix;
    private ShippedImage image;
    private Podman podman;
    private Path work;
    private int port;
    private LoopbackHttp http;

    @BeforeAll
    void run(ShippedImage shipped) throws Exception {
        long t0 = System.nanoTime();
        image = shipped;
        podman = image.podmanHandle();
        long t1 = System.nanoTime();
        work = Files.createTempDirectory(Path.of("/tmp"), "ss-docker-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Path envFile = Files.writeString(work.resolve("uploader.env"),
                "UPLOAD_USER=" + USER + "\nUPLOAD_PASSWORD=" + PASSWORD + "\n");
        port = LoopbackHttp.freePort();
        http = new LoopbackHttp(port);
        podman.podmanOk("volume", "create", volume);
        podman.podmanOk("run", "--detach", "--name", container, "--network", "slirp4netns",
                "--publish", "127.0.0.1:" + port + ":8080", "--volume", volume + ":/var/www/simplestreams",
                "--env-file", envFile.toString(), image.tag());
        awaitHealthy(Duration.ofSeconds(120));
        System.out.printf("[shipping] image ready in %d ms, container healthy in %d ms%n", (t1 - t0) / 1_000_000,
                (System.nanoTime() - t1) / 1_000_000);
    }

    @AfterAll
    void remove() {
        List<String> problems = new ArrayList<>();
        if (podman != null) {
            podman.remove("container", container, problems);
            podman.remove("volume", volume, problems);
        }
        if (work != null) {
            Cli.create().run("rm", "-rf", work.toString());
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theImageIsConfiguredAsDocumented() throws IOException {
        JsonNode inspect = JSON.readTree(podman.podmanOk("image", "inspect", image.tag())).get(0);
        JsonNode config = inspect.get("Config");
        assertEquals("10001:10001", config.get("User").asText());
        assertTrue(config.get("ExposedPorts").has("8080/tcp"), config::toString);
        assertTrue(config.get("Volumes").has("/var/www/simplestreams"), config::toString);
        assertEquals("[\"catalina.sh\",\"run\"]", config.get("Cmd").toString());
        assertTrue(inspect.get("Healthcheck").get("Test").toString().contains("http://127.0.0.1:8080/healthz"),
                inspect::toString);
        Map<String, String> env = new HashMap<>();
        config.get("Env").forEach(e -> {
            String[] kv = e.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        assertEquals("/var/www/simplestreams", env.get("SIMPLESTREAMS_DIR"));
        assertTrue(env.get("JAVA_OPTS").contains("-XX:MaxRAMPercentage="), env::toString);
        // The base image's Tomcat, untouched but for the ROOT application, two config files and bin/setenv.sh.
        assertEquals("11", env.get("TOMCAT_MAJOR"));
    }

    @Test
    void tomcatRunsAsTheNonRootUserWithOnlyTheRootApplication() {
        assertEquals("10001", exec("id", "-u"));
        assertEquals("ROOT\nROOT.war", exec("ls", "/usr/local/tomcat/webapps"));
        assertEquals("absent", exec("sh", "-c", "test -e /usr/local/tomcat/webapps.dist && echo present || echo absent"));
        // The connector is ours (docker/server.xml): no server header, HTTP only.
        assertTrue(exec("cat", "/usr/local/tomcat/conf/server.xml").contains("maxSwallowSize=\"-1\""));
        // The JVM options of docker/setenv.sh, which catalina.sh sources from bin/.
        assertTrue(exec("sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline").contains("-XX:Tier4InvocationThreshold=50000"));
        assertEquals("healthy", podman.podmanOk("inspect", "--format", "{{.State.Health.Status}}", container).strip());
    }

    @Test
    void curlUploadsAnImageThatTheLxcClientListsThroughATlsProxy() throws Exception {
        String arch = ImageFactory.hostArch();
        String dirArch = Architectures.directoryName(arch).orElseThrow();
        String version = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd_HH:mm"));
        String dir = "busybox/shipped/" + dirArch + "/default/" + version;
        Path files = Files.createDirectories(work.resolve("image"));
        Path meta = ImageFactory.metadataTarball(files.resolve("meta.tar.xz"), arch, "busybox", "shipped", "default",
                "busybox, uploaded into the container");
        Path rootfs = ImageFactory.squashfs(ImageFactory.rootfsDir(work.resolve("rootfs")),
                files.resolve("rootfs.squashfs"));
        String fingerprint = sha256(meta, rootfs);

        // No credentials: refused, nothing written.
        assertEquals(401, LoopbackHttp.curl("-F", "upload=@" + meta + ";filename=" + dir + "/lxd.tar.xz",
                http.url("/images/")));
        // The seed's two commands.
        assertEquals(201, LoopbackHttp.curl("-u", USER + ":" + PASSWORD, "-F", "upload=@" + meta + ";filename="
                + dir + "/lxd.tar.xz", http.url("/images/")));
        assertEquals(201, LoopbackHttp.curl("-u", USER + ":" + PASSWORD, "-F", "upload=@" + rootfs + ";filename="
                + dir + "/rootfs.squashfs", http.url("/images/")));

        JsonNode images = JSON.readTree(http.get("/streams/v1/images.json"));
        JsonNode item = images.at("/products/busybox:shipped:" + dirArch + ":default/versions/" + version
                + "/items/lxd.tar.xz");
        assertEquals(fingerprint, item.at("/combined_squashfs_sha256").asText(), images::toString);

        // The files are on the volume, written by the image's non-root user.
        Path mountpoint = Path.of(podman.podmanOk("volume", "inspect", "--format", "{{.Mountpoint}}", volume).strip());
        Path stored = mountpoint.resolve("images/" + dir + "/rootfs.squashfs");
        assertEquals(Files.size(rootfs), Files.size(stored));
        assertEquals(10001, Files.getAttribute(stored, "unix:uid"));

        TestCa ca = TestCa.create(work.resolve("ca"));
        try (NginxTlsProxy proxy = NginxTlsProxy.start(work.resolve("nginx"), ca, port);
                LxdDaemon lxd = LxdDaemon.start()) {
            lxd.addRemote("shipped", proxy.httpsUrl(), ca.caCert());
            JsonNode list = JSON.readTree(lxd.lxc("image", "list", "shipped:", "--format=json"));
            List<String> fingerprints = new ArrayList<>();
            list.forEach(i -> fingerprints.add(i.get("fingerprint").asText()));
            assertEquals(List.of(fingerprint), fingerprints, list::toString);
            String info = lxd.lxc("image", "info", "shipped:busybox/shipped");
            assertTrue(info.contains("Fingerprint: " + fingerprint), info);
        }
    }

    private void awaitHealthy(Duration limit) {
        Eventually.until("the container to be healthy and ready", limit, () -> {
            String running = podman.podman("inspect", "--format", "{{.State.Running}}", container).stdout().strip();
            if (!running.equals("true")) {
                throw new AssertionError("the container stopped");
            }
            return healthcheck().ok() && http.status("/readyz") == 200;
        }, () -> healthcheck().describe() + "\n" + logs());
    }

    /** Runs the image's HEALTHCHECK now (there is no systemd timer here to run it on its interval). */
    private CommandResult healthcheck() {
        return podman.podman("healthcheck", "run", container);
    }

    private String exec(String... command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return podman.podmanOk(args.toArray(String[]::new)).strip();
    }

    private String logs() {
        CommandResult r = podman.podman("logs", "--tail", "60", container);
        return "--- podman logs ---\n" + r.stdout() + r.stderr();
    }
}
