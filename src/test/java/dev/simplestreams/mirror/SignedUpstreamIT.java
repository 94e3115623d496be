package dev.simplestreams.mirror;

import static dev.simplestreams.mirror.Downstream.await;
import static dev.simplestreams.mirror.Downstream.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.Gpg;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A static upstream behind nginx whose catalogue is clear-signed with Debian's gpg, mirrored by a remote with a
 * keyring: the good signature is accepted and only the signed text is used (the unsigned images.json lists one
 * product more, which never arrives); then each way the signed catalogue can be wrong is refused with the URL
 * and the reason, and what was mirrored before stays as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedUpstreamIT {

    private static final String V1 = "20261101_10:00";
    private static final String SIGNED = "busybox:signed:amd64:default";
    private static final String UNSIGNED = "busybox:unsigned:amd64:default";

    private Path work;
    private Path tree;
    private Path data;
    private Gpg gpg;
    private String upstreamKey;
    private String strangerKey;
    private String expiredKey;
    private byte[] goodImages;
    private StaticUpstream upstream;
    private TomcatServer server;
    private int changes;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("mirror-signed");
        tree = work.resolve("tree");
        data = work.resolve("data");
        gpg = Gpg.in(work);
        upstreamKey = gpg.generateKey("Upstream <upstream@example.com>", "");
        strangerKey = gpg.generateKey("Stranger <stranger@example.com>", "");
        expiredKey = gpg.generateKey("Expired <expired@example.com>", "", "1d", "20200101T000000");
        // The upstream's current key and one it used until it expired.
        Path keyring = Files.write(work.resolve("upstream.gpg"), gpg.exportPublicKey(upstreamKey));
        Files.write(keyring, gpg.exportPublicKey(expiredKey), java.nio.file.StandardOpenOption.APPEND);

        Trees.splitImage(tree, SIGNED, V1, RootFiles.squashfs(new byte[] {1}));
        TestRepository.newIndexer(new FileSystemStore(new DataRoot(tree)), new HashCache()).fullScan();
        signCatalogue(upstreamKey, null);
        goodImages = Files.readAllBytes(tree.resolve("streams/v1/images.sjson"));
        byte[] goodIndex = Files.readAllBytes(tree.resolve("streams/v1/index.sjson"));
        // The .json documents change after signing: a reader of the signed catalogue never sees this product.
        // (An indexer without a key removes the signed forms it finds; the upstream's are put back.)
        Trees.splitImage(tree, UNSIGNED, V1, RootFiles.squashfs(new byte[] {2}));
        TestRepository.newIndexer(new FileSystemStore(new DataRoot(tree)), new HashCache()).fullScan();
        Files.write(tree.resolve("streams/v1/index.sjson"), goodIndex);
        Files.write(images(), goodImages);

        upstream = StaticUpstream.serve(work, tree, "signed", ", keyring: '" + keyring + "'");
        server = TomcatServer.start(data, Map.of("MIRROR_CONFIG", upstream.config().toString(),
                "INDEX_QUIET_MS", "100", "UPLOAD_USER", Downstream.USER, "UPLOAD_PASSWORD", Downstream.PASSWORD));
        await(server.uri("/streams/v1/images.json"), body -> body.contains(SIGNED));
    }

    /** index.json and images.json clear-signed in place, as an upstream's publishing script does with gpg. */
    private void signCatalogue(String key, String fakedTime) throws Exception {
        for (String name : new String[] {"index", "images"}) {
            byte[] json = Files.readAllBytes(tree.resolve("streams/v1/" + name + ".json"));
            Files.write(tree.resolve("streams/v1/" + name + ".sjson"), gpg.clearsign(json, key, "", fakedTime));
        }
    }

    @AfterAll
    void stop() throws Exception {
        Trees.closeAndDelete(work, server, upstream, gpg);
    }

    Stream<Arguments> badUpstreams() {
        return Stream.of(
                Arguments.of("missing images.sjson", (Upstream) () -> Files.delete(images()),
                        "answered HTTP 404 instead of 200; a remote with a keyring is read from its signed documents"),
                Arguments.of("unsigned images.sjson", (Upstream) () -> Files.copy(
                        tree.resolve("streams/v1/images.json"), images(),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING), "is not clear-signed"),
                Arguments.of("tampered images.sjson", (Upstream) () -> Files.writeString(images(),
                        new String(goodImages, StandardCharsets.UTF_8).replace("\"signed\"", "\"signet\"")),
                        "the text was changed after it was signed"),
                Arguments.of("signature of another document", (Upstream) () -> Files.writeString(images(),
                        textOf(goodImages) + signatureOf(Files.readAllBytes(tree.resolve("streams/v1/index.sjson")))),
                        "the text was changed after it was signed"),
                Arguments.of("signed by a key not in the keyring", (Upstream) () -> signImages(strangerKey, null),
                        "which is not in the keyring"),
                Arguments.of("signed by an expired key", (Upstream) () -> signImages(expiredKey, "20200101T120000"),
                        "expired on 2020-01-02"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUpstreams")
    void aBadSignedCatalogueIsRefusedAndWhatWasMirroredStays(String what, Upstream change, String reason)
            throws Exception {
        Path mirrored = data.resolve("images/busybox/signed/amd64/default/" + V1 + "/rootfs.squashfs");
        String before = get(server.uri("/streams/v1/images.json")).body();
        assertTrue(before.contains(SIGNED) && Files.exists(mirrored), before);
        assertFalse(before.contains(UNSIGNED) || Files.exists(data.resolve("images/busybox/unsigned")),
                "only what the signed catalogue lists is mirrored");
        try {
            change.apply();
            if (Files.exists(images())) {
                // nginx's ETag is the modification second and the size, which a same-sized change may share.
                Trees.touch(images(), System.currentTimeMillis() + 3_600_000L * ++changes);
            }
            Downstream.sync(server);

            String problems = Downstream.remoteStatus(server).get("problems").toString();
            assertTrue(problems.contains(upstream.url() + "/streams/v1/images.sjson") && problems.contains(reason),
                    problems);
            assertEquals(before, get(server.uri("/streams/v1/images.json")).body(), "the catalogue is unchanged");
            assertTrue(Files.exists(mirrored), "the mirrored image stays");
        } finally {
            Files.write(images(), goodImages);
        }
        Downstream.sync(server);
        assertEquals("[]", Downstream.remoteStatus(server).get("problems").toString(), "the good catalogue again");
    }

    private Path images() {
        return tree.resolve("streams/v1/images.sjson");
    }

    private void signImages(String key, String fakedTime) throws Exception {
        Files.write(images(), gpg.clearsign(textOf(goodImages).substring(textOf(goodImages).indexOf("\n\n") + 2)
                .getBytes(StandardCharsets.UTF_8), key, "", fakedTime));
    }

    /** The clear-signed file up to its signature block. */
    private static String textOf(byte[] signed) {
        String text = new String(signed, StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf("-----BEGIN PGP SIGNATURE-----"));
    }

    private static String signatureOf(byte[] signed) {
        String text = new String(signed, StandardCharsets.UTF_8);
        return text.substring(text.indexOf("-----BEGIN PGP SIGNATURE-----"));
    }

    /** A change to the upstream tree. */
    @FunctionalInterface
    interface Upstream {
        void apply() throws Exception;
    }
}
