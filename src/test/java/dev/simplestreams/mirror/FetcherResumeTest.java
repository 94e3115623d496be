package dev.simplestreams.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.RootFiles;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection cut in the middle of a file: the fetcher continues with a Range request into the same pending
 * file and digest (each byte taken once), and a file whose bytes do not match the catalogue is discarded.
 * The upstream is the JDK's HTTP server, because it can be told to cut the first answer short.
 */
class FetcherResumeTest {

    private static final String PATH = "images/busybox/edge/amd64/default/20261101_10:00/rootfs.squashfs";

    @TempDir
    Path dataDir;
    private HttpServer server;
    private final byte[] file = new byte[3 * 1024 * 1024 + 17];
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private ImageStore store;

    @BeforeEach
    void start() throws Exception {
        new Random(7).nextBytes(file);
        // A squashfs to the fetcher's content check.
        System.arraycopy(RootFiles.squashfsSuperblock(file.length), 0, file, 0, 96);
        store = new FileSystemStore(new DataRoot(dataDir));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/file", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            if (range != null) {
                exchange.getResponseHeaders().add("Content-Range",
                        "bytes " + from + "-" + (file.length - 1) + "/" + file.length);
            }
            exchange.sendResponseHeaders(range == null ? 200 : 206, file.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
                // The first answer stops after a third of the file and the connection is dropped.
                int end = range == null ? file.length / 3 : file.length;
                out.write(file, from, end - from);
                if (range == null) {
                    out.flush();
                    throw new java.io.IOException("cut");
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Fetcher fetcher() throws Exception {
        return new Fetcher(new UpstreamClient(null, name -> null), store, 3, 10);
    }

    private Planner.WantedFile wanted(String sha256) {
        return new Planner.WantedFile("rootfs.squashfs",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/file"), file.length, sha256, null);
    }

    @Test
    void resumesWithRangeIntoTheSamePendingFile() throws Exception {
        AtomicLong progress = new AtomicLong();
        byte[] prefix = "a metadata tarball".getBytes(StandardCharsets.UTF_8);
        MessageDigest metadata = Sha256.newDigest();
        metadata.update(prefix);
        Fetcher.Fetched fetched = fetcher().fetch(PATH, wanted(Digests.sha256(file)), metadata, progress::addAndGet);
        try (ImageStore.PendingFile pending = fetched.pending()) {
            pending.commit(false);
        }
        assertEquals(Digests.sha256(prefix, file), fetched.combined(), "the fingerprint, computed across the cut");
        assertArrayEquals(file, Files.readAllBytes(dataDir.resolve(PATH)));
        // The bytes in flight when the connection drops may never arrive, so the resume starts at most where
        // the cut was: wherever the client's own count says.
        assertEquals(2, ranges.size(), ranges::toString);
        assertEquals("null", ranges.get(0));
        long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= file.length / 3, "resumed where the cut left it: " + ranges);
        assertEquals(file.length, progress.get(), "every byte taken exactly once");
    }

    @Test
    void discardsAFileWhoseHashDiffers() throws Exception {
        String wrong = "0".repeat(64);
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> fetcher().fetch(PATH, wanted(wrong), null, n -> { }));
        assertTrue(e.reason().contains("the catalogue says " + wrong), e.getMessage());
        assertTrue(e.getMessage().startsWith("http://127.0.0.1:"), "names the URL: " + e.getMessage());
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "nothing left behind");
        }
    }
}
