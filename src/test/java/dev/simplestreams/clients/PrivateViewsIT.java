package dev.simplestreams.clients;

import static dev.simplestreams.testing.Digests.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.access.PasswordHashes;
import dev.simplestreams.catalog.Architectures;
import dev.simplestreams.testing.ClientDaemons;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.ContainerDaemon;
import dev.simplestreams.testing.ImageFactory;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.TomcatBehindTls;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Private views with the real clients and daemons, behind nginx (TLS): HTTP Basic from the remote URL and a
 * token in the path, listing and a daemon's copy through a view; no credentials or another view's credentials
 * get nothing, and the root shows only what no private view covers. The HTTP contract is in ViewAccessIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateViewsIT {

    private static final String ARCH = Architectures.directoryName(ImageFactory.hostArch()).orElseThrow();
    private static final String KERNEL_ARCH = ImageFactory.hostArch();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_A = "3f9c1e0d7a5b48e2a1c64f0b9d2e7a15c8b3f6e1d4a7c2b9";
    private static final String VERSION = "20261101_10:00";

    /** Product name to its fingerprint: "a" in view team-a, "b" in view team-b, "pub" in no view. */
    private final Map<String, String> fingerprints = new java.util.HashMap<>();
    private Path work;
    private TomcatBehindTls served;
    private NginxTlsProxy proxyOn443;
    private ClientDaemons daemons;

    @BeforeAll
    void start() throws Exception {
        work = ImageFactory.workDirForContainers("pv");
        Path data = work.resolve("data");
        Path rootfs = ImageFactory.rootfsDir(work.resolve("rootfs"));
        for (String release : List.of("a", "b", "pub")) {
            Path version = Files.createDirectories(data.resolve("images/busybox/" + release + "/" + ARCH + "/default/"
                    + VERSION));
            Path meta = ImageFactory.metadataTarball(version.resolve("lxd.tar.xz"), KERNEL_ARCH, "busybox", release,
                    "default", "busybox " + release, 1_761_991_200L, VERSION);
            fingerprints.put(release, sha256(meta, ImageFactory.squashfs(rootfs, version.resolve("rootfs.squashfs"))));
        }
        Path accessFile = work.resolve("access.json");
        Files.writeString(accessFile, JSON.writeValueAsString(Map.of(
                "users", Map.of(
                        "reader-a", Map.of("password_hash", PasswordHashes.hash("a-secret"),
                                "roles", List.of("team-a")),
                        "reader-b", Map.of("password_hash", PasswordHashes.hash("b-secret"),
                                "roles", List.of("team-b"))),
                "views", Map.of(
                        "team-a", Map.of("roles", List.of("team-a"), "images", List.of(Map.of("release", "a")),
                                "token_sha256", List.of(sha256Hex(TOKEN_A))),
                        "team-b", Map.of("users", List.of("reader-b"), "under", List.of("images/busybox/b/"))))));
        served = TomcatBehindTls.start(work, data, Map.of("ACCESS_FILE", accessFile.toString()));
        proxyOn443 = NginxTlsProxy.startOnPort443(work.resolve("nginx-443"), served.ca(), served.serverPort());
        served.awaitCatalogue("the root catalogue listing the public image", Duration.ofSeconds(30),
                body -> body.contains(fingerprints.get("pub")));
        daemons = ClientDaemons.start();
        String host = URI.create(served.url()).getAuthority();
        Map<String, String> remotes = Map.of(
                "a", "https://reader-a:a-secret@" + host + "/v/team-a/",
                "token", "https://" + host + "/t/" + TOKEN_A + "/",
                "a-anonymous", "https://" + host + "/v/team-a/",
                "b-as-a", "https://reader-a:a-secret@" + host + "/v/team-b/",
                "root", "https://" + host + "/",
                // No port: the plain-HTTP attempt before each image file goes to port 80, where nothing listens.
                "a-port-443", "https://reader-a:a-secret@127.0.0.1/v/team-a/");
        remotes.forEach((name, url) -> daemons.addRemote(name, url, served.ca().caCert()));
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, daemons, proxyOn443, served);
    }

    Stream<ContainerDaemon> daemons() {
        return daemons.each();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void eachRemoteListsExactlyWhatItsViewOrTheRootShows(ContainerDaemon client) throws IOException {
        assertEquals(Set.of(fingerprints.get("a")), listed(client, "a"), "Basic from the remote URL");
        assertEquals(Set.of(fingerprints.get("a")), listed(client, "token"), "the token in the path");
        assertEquals(Set.of(fingerprints.get("pub")), listed(client, "root"), "the root hides the private views");
        for (String refused : List.of("a-anonymous", "b-as-a")) {
            CommandResult list = client.clientResult("image", "list", refused + ":", "--format=json");
            assertFalse(list.ok(), refused + " must not list anything: " + list.stdout());
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void theDaemonCopiesAnImageThroughTheViewWithItsCredentialsAndThroughTheToken(ContainerDaemon daemon) {
        String fingerprint = fingerprints.get("a");
        for (String remote : List.of("a", "token")) {
            daemon.clearStreamCache();
            daemon.client("image", "copy", remote + ":" + fingerprint, "local:");
            assertTrue(daemon.client("image", "list", "local:", "--format=csv", "-c", "F").contains(fingerprint),
                    remote);
            daemon.client("image", "delete", "local:" + fingerprint);
        }
        daemon.clearStreamCache();
        CommandResult other = daemon.clientResult("image", "copy", "b-as-a:" + fingerprints.get("b"), "local:");
        assertFalse(other.ok(), "a reader of view team-a copied an image of team-b");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("daemons")
    void thePlainHttpAttemptMeetsARefusedPort80AndTheDownloadGoesOnOverHttps(ContainerDaemon daemon) {
        assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", 80).close(),
                "port 80 must refuse connections, as the README asks of a server with private views");
        String fingerprint = fingerprints.get("a");
        daemon.clearStreamCache();
        daemon.client("image", "copy", "a-port-443:" + fingerprint, "local:");
        assertTrue(daemon.client("image", "list", "local:", "--format=csv", "-c", "F").contains(fingerprint));
        daemon.client("image", "delete", "local:" + fingerprint);
    }

    private static Set<String> listed(ContainerDaemon client, String remote) throws IOException {
        Set<String> listed = new TreeSet<>();
        for (JsonNode image : JSON.readTree(client.client("image", "list", remote + ":", "--format=json"))) {
            listed.add(image.get("fingerprint").asText());
        }
        return listed;
    }

    private static String sha256Hex(String text) {
        return dev.simplestreams.catalog.Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
    }
}
