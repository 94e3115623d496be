package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that go wrong: too large (announced or while streaming), a client that vanishes mid-body, many writers
 * of one path, a full disk. In every case no partial file is visible or published and the existing image
 * survives.
 */
class UploadLimitsIT {

    static final long LIMIT = 4L << 20;
    static final int ROUNDS = Integer.getInteger("upload.race.rounds", 5);
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path limitedData;
    @TempDir
    static Path strictData;
    @TempDir
    static Path work;
    /** 4 MiB limit, overwrites on. */
    static TomcatServer limited;
    /** The seed's defaults: overwrites off. */
    static TomcatServer strict;

    @BeforeAll
    static void start() throws Exception {
        limited = TomcatServer.start(limitedData, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p",
                "MAX_UPLOAD_BYTES", String.valueOf(LIMIT), "ALLOW_OVERWRITES", "1"));
        strict = TomcatServer.start(strictData, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p"));
    }

    @AfterAll
    static void stop() throws Exception {
        limited.close();
        strict.close();
    }

    @Test
    void anAnnouncedBodyOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        SortedMap<String, String> before = TreeSnapshot.withoutState(limitedData);
        for (String head : new String[] {
                "PUT /images/ubuntu/noble/amd64/default/20260201_00:00/rootfs.squashfs HTTP/1.1\r\n",
                "POST /images/ HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"}) {
            try (RawHttp http = new RawHttp(limited.port())) {
                // 100 GiB announced, not a byte of it sent: the answer can only come from the headers.
                http.send((head + "Host: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\nContent-Length: 107374182400\r\n"
                        + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                RawHttp.Response response = http.read();
                assertEquals(413, response.status(), response::toString);
                assertTrue(JSON.readTree(response.body()).at("/error").asText().contains("MAX_UPLOAD_BYTES"),
                        response::toString);
                assertTrue(http.closedByServer(), "the server does not wait for the body it refused");
            }
        }
        assertEquals(before, TreeSnapshot.withoutState(limitedData));
    }

    @Test
    void bodiesWithoutALengthAreCutOffAtTheLimit() throws Exception {
        SortedMap<String, String> before = TreeSnapshot.withoutState(limitedData);
        Path big = TestImages.file(work.resolve("big"), "rootfs.squashfs", TestImages.rootfs((int) LIMIT + 100_000));
        String dir = "ubuntu/oracular/amd64/default/20260202_00:00";
        Curl.Answer put = Curl.run("-u", "u:p", "-H", "Transfer-Encoding: chunked", "-T", big.toString(),
                "http://127.0.0.1:" + limited.port() + "/images/" + dir + "/rootfs.squashfs");
        assertEquals(413, put.status(), put::toString);
        Curl.Answer post = Curl.run("-u", "u:p", "-H", "Transfer-Encoding: chunked",
                "-F", "f=@" + big + ";filename=" + dir + "/rootfs.squashfs",
                "http://127.0.0.1:" + limited.port() + "/images/");
        assertEquals(413, post.status(), post::toString);
        assertTrue(post.json().at("/error").asText().contains("MAX_UPLOAD_BYTES"), post::toString);
        assertEquals(before, TreeSnapshot.withoutState(limitedData), "no file, no directory, no temporary");
    }

    @Test
    void aClientThatDisconnectsMidBodyLeavesNoTraceAndTheOldFileServed() throws Exception {
        String dir = "images/ubuntu/plucky/amd64/default/20260203_00:00";
        byte[] meta = TestImages.metadata("ubuntu:plucky:amd64:default");
        byte[] root = TestImages.rootfs(500_000);
        assertEquals(201, put(limited, dir + "/lxd.tar.xz", meta).statusCode());
        assertEquals(201, put(limited, dir + "/rootfs.squashfs", root).statusCode());
        SortedMap<String, String> before = TreeSnapshot.of(limitedData.resolve("images"));
        String catalogue = UploadIT.imagesJson(limited).toString();

        byte[] half = TestImages.rootfs(1 << 20);
        String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"" + dir.substring(7)
                + "/rootfs.squashfs\"\r\n\r\n";
        for (String head : new String[] {
                "PUT /" + dir + "/rootfs.squashfs HTTP/1.1\r\nContent-Length: 3000000\r\n",
                "POST /images/ HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                        + "Content-Length: 3000000\r\n"}) {
            try (RawHttp http = new RawHttp(limited.port())) {
                http.send((head + "Host: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\n\r\n"
                        + (head.startsWith("POST") ? body : "")).getBytes(StandardCharsets.ISO_8859_1));
                http.send(half);
                awaitTemporaries(limitedData.resolve(dir), true);
            }
            awaitTemporaries(limitedData.resolve(dir), false);
            assertEquals(before, TreeSnapshot.of(limitedData.resolve("images")));
            assertArrayEquals(root, Files.readAllBytes(limitedData.resolve(dir + "/rootfs.squashfs")));
            assertEquals(catalogue, UploadIT.imagesJson(limited).toString());
        }
    }

    @Test
    void concurrentReplacementsOfOnePathEndWithOneFileAndMatchingHashes() throws Exception {
        String dir = "images/ubuntu/questing/amd64/default/20260204_00:00";
        byte[] meta = TestImages.metadata("ubuntu:questing:amd64:default");
        assertEquals(201, put(limited, dir + "/lxd.tar.xz", meta).statusCode());
        // Rounds of equal-sized writers finishing within the same milliseconds: the hashes must follow the bytes.
        for (int round = 0; round < ROUNDS; round++) {
            List<byte[]> contents = Stream.generate(() -> TestImages.rootfs(300_000)).limit(8).toList();
            List<HttpResponse<String>> answers = concurrently(contents.stream().map(c ->
                    (Callable<HttpResponse<String>>) () -> put(limited, dir + "/rootfs.squashfs", c)).toList());
            answers.forEach(a -> assertTrue(a.statusCode() == 200 || a.statusCode() == 201, a::body));

            byte[] last = Files.readAllBytes(limitedData.resolve(dir + "/rootfs.squashfs"));
            assertTrue(contents.stream().anyMatch(c -> java.util.Arrays.equals(c, last)), "one upload's bytes, whole");
            JsonNode items = UploadIT.imagesJson(limited)
                    .at("/products/ubuntu:questing:amd64:default/versions/20260204_00:00/items");
            assertEquals(Digests.sha256(last), items.at("/rootfs.squashfs/sha256").asText(), "round " + round);
            assertEquals(Digests.sha256(meta, last), items.at("/lxd.tar.xz/combined_squashfs_sha256").asText());
            assertOnlyFiles(limitedData.resolve(dir), "lxd.tar.xz", "rootfs.squashfs");
        }
    }

    @Test
    void concurrentUploadsWithOverwritesOffKeepTheFirstAndStoreTheRestAside() throws Exception {
        String dir = "images/debian/trixie/amd64/default/20260205_00:00";
        byte[] meta = TestImages.metadata("debian:trixie:amd64:default");
        assertEquals(201, put(strict, dir + "/lxd.tar.xz", meta).statusCode());
        List<byte[]> contents = Stream.generate(() -> TestImages.rootfs(300_000)).limit(8).toList();
        List<HttpResponse<String>> answers = concurrently(contents.stream()
                .map(c -> (Callable<HttpResponse<String>>) () -> put(strict, dir + "/rootfs.squashfs", c)).toList());

        List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).sorted().toList();
        assertEquals(List.of(201, 409, 409, 409, 409, 409, 409, 409), statuses);
        byte[] kept = Files.readAllBytes(strictData.resolve(dir + "/rootfs.squashfs"));
        assertArrayEquals(contents.get(indexOf(answers, 201)), kept, "the created file holds the creator's bytes");
        for (HttpResponse<String> aside : answers.stream().filter(a -> a.statusCode() == 409).toList()) {
            JsonNode file = JSON.readTree(aside.body()).at("/files/0");
            assertEquals(file.at("/sha256").asText(),
                    Digests.sha256(Files.readAllBytes(strictData.resolve(file.at("/path").asText()))));
        }
        JsonNode items = UploadIT.imagesJson(strict)
                .at("/products/debian:trixie:amd64:default/versions/20260205_00:00/items");
        assertEquals(Digests.sha256(meta, kept), items.at("/lxd.tar.xz/combined_squashfs_sha256").asText());

        byte[] same = RootFiles.rootTarXz(TestImages.rootfs(200_000));
        List<HttpResponse<String>> repeats = concurrently(Stream.generate(() -> (Callable<HttpResponse<String>>) () ->
                put(strict, dir + "/root.tar.xz", same)).limit(6).toList());
        assertEquals(List.of(200, 200, 200, 200, 200, 201),
                repeats.stream().map(HttpResponse::statusCode).sorted().toList(), "identical bytes: one created");
    }

    @Test
    void aFullDiskAnswers507AndKeepsTheExistingImage(@TempDir Path mount) throws Exception {
        assumeTrue(Cli.create().run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString()).exitCode() == 0,
                "needs permission to mount a small tmpfs");
        try (TomcatServer small = TomcatServer.start(mount, Map.of("UPLOAD_USER", "u", "UPLOAD_PASSWORD", "p"))) {
            String dir = "images/ubuntu/resolute/amd64/default/20260206_00:00";
            byte[] meta = TestImages.metadata("ubuntu:resolute:amd64:default");
            byte[] root = TestImages.rootfs(1 << 20);
            assertEquals(201, put(small, dir + "/lxd.tar.xz", meta).statusCode());
            assertEquals(201, put(small, dir + "/rootfs.squashfs", root).statusCode());
            SortedMap<String, String> before = TreeSnapshot.of(mount.resolve("images"));
            String catalogue = UploadIT.imagesJson(small).toString();

            HttpResponse<String> full = put(small, dir + "/root.tar.xz", TestImages.rootfs(8 << 20));
            assertEquals(507, full.statusCode(), full::body);
            assertTrue(JSON.readTree(full.body()).at("/error").asText().contains("full"), full::body);
            assertEquals(before, TreeSnapshot.of(mount.resolve("images")), "the partial file was removed");
            assertArrayEquals(root, Files.readAllBytes(mount.resolve(dir + "/rootfs.squashfs")));
            assertEquals(catalogue, UploadIT.imagesJson(small).toString());

            assertEquals(201, put(small, dir + "/metadata.json", "{\"os\": \"Ubuntu\"}".getBytes()).statusCode(),
                    "space freed by the removal is usable again");
        } finally {
            CommandResult unmounted = Cli.create().run("umount", mount.toString());
            if (!unmounted.ok()) {
                Cli.create().run("umount", "--lazy", mount.toString());
            }
            assertTrue(unmounted.ok(), () -> "the stopped server still holds the volume: " + unmounted.describe());
        }
    }

    @Test
    void temporariesLeftByACrashAreNeverPublishedAndRemovedAfterStart(@TempDir Path crashed) throws Exception {
        Path version = Trees.splitImage(crashed, "ubuntu:jammy:amd64:default", "20260207_00:00",
                TestImages.rootfs(999));
        byte[] root = Files.readAllBytes(version.resolve("rootfs.squashfs"));
        // What a writer killed mid-upload leaves: a replacement cut short, and a new version with nothing else.
        Files.write(version.resolve(".rootfs.squashfs." + UUID.randomUUID() + ".upload"), TestImages.rootfs(500));
        Path lone = Files.createDirectories(crashed.resolve("images/ubuntu/jammy/amd64/default/20260208_00:00"));
        Files.write(lone.resolve(".lxd.tar.xz." + UUID.randomUUID() + ".upload"),
                TestImages.metadata("ubuntu:jammy:amd64:default"));

        try (TomcatServer restarted = TomcatServer.start(crashed, Map.of())) {
            UploadIT.waitForProduct(restarted, "ubuntu:jammy:amd64:default");
            JsonNode versions = UploadIT.imagesJson(restarted).at("/products/ubuntu:jammy:amd64:default/versions");
            assertEquals(1, versions.size(), versions::toString);
            assertEquals(Digests.sha256(root), versions.at("/20260207_00:00/items/rootfs.squashfs/sha256").asText());
            // Removed after the first catalogue of a start, off the way to it.
            Eventually.await("temporaries removed", Duration.ofSeconds(30),
                    () -> TreeSnapshot.of(crashed.resolve("images")).keySet(),
                    paths -> paths.stream().noneMatch(p -> p.contains("/.")));
        }
    }

    static HttpResponse<String> put(TomcatServer server, String path, byte[] content)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", AUTH)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int indexOf(List<HttpResponse<String>> answers, int status) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).statusCode() == status) {
                return i;
            }
        }
        return -1;
    }

    /** Waits for hidden upload temporaries to appear in (or vanish from) a directory. */
    private static void awaitTemporaries(Path dir, boolean present) {
        Eventually.until("temporaries in " + dir + " " + (present ? "there" : "gone"), Eventually.DEFAULT,
                () -> hasTemporary(dir) == present);
    }

    private static boolean hasTemporary(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("."));
        }
    }

    private static void assertOnlyFiles(Path dir, String... names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(names), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }
}
