package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.config.ObjectStorage;
import dev.simplestreams.testing.CephRgw;
import dev.simplestreams.testing.Digests;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 store against a real Ceph RGW: uploads stream as multipart and appear whole or not at all, image
 * objects are never clobbered by a racing writer, and a replica with a stale view cannot overwrite the
 * catalogue.
 */
class S3ImageStoreIT {

    private static final String DIR = "images/ubuntu/jammy/amd64/default/20261125_14:05/";
    private static CephRgw rgw;
    private static String bucket;

    @BeforeAll
    static void bucket() {
        rgw = CephRgw.shared();
        bucket = rgw.createBucket("store");
    }

    private static S3ImageStore replica(String id) {
        return new S3ImageStore(rgw.client(), rgw.presigner(), new ObjectStorage(rgw.endpoint(), CephRgw.REGION,
                bucket, "root/", true, null, Duration.ofMinutes(5), ObjectStorage.Election.OBJECT_STORE, ObjectStorage.DEFAULT_LEASE_NAME,
                Duration.ofSeconds(10), id));
    }

    @Test
    void aLargeUploadIsInvisibleUntilCommittedAndArrivesWhole() throws Exception {
        S3ImageStore store = replica("a");
        byte[] content = random(3 * S3PendingFile.PART_SIZE + 12345);
        String path = DIR + "large/rootfs.squashfs";
        try (ImageStore.PendingFile pending = store.create(path)) {
            for (int offset = 0; offset < content.length; offset += 100_000) {
                pending.write(content, offset, Math.min(100_000, content.length - offset));
            }
            assertTrue(store.list("images").stream().noneMatch(f -> f.path().equals(path)),
                    "a file being uploaded must not be listed");
            assertTrue(store.stat(path).isEmpty());
            StoredFile placed = pending.commit(false);
            assertEquals(content.length, placed.size());
        }
        assertEquals(List.of(path), store.list(DIR + "large").stream().map(StoredFile::path).toList(),
                "only the file, no staging object, is listed");
        try (InputStream in = store.open(path)) {
            assertEquals(Digests.sha256(content), Digests.sha256(in.readAllBytes()));
        }
        assertEquals(0, openMultipartUploads(), "the multipart upload was completed, none is left open");
    }

    @Test
    void anUploadClosedWithoutCommitLeavesNothing() throws Exception {
        S3ImageStore store = replica("a");
        String path = DIR + "disk.qcow2";
        try (ImageStore.PendingFile pending = store.create(path)) {
            byte[] part = random(S3PendingFile.PART_SIZE + 10);
            pending.write(part, 0, part.length);
        }
        assertTrue(store.stat(path).isEmpty());
        assertTrue(store.list("images").stream().noneMatch(f -> f.path().equals(path)));
        assertEquals(0, openMultipartUploads(), "the abandoned multipart upload was aborted");
        try (S3Client s3 = rgw.client()) {
            assertTrue(s3.listObjectsV2(r -> r.bucket(bucket).prefix("root/" + DIR + ".disk")).contents().isEmpty(),
                    "no staging object is left");
        }
    }

    /** A replica killed mid-upload leaves a multipart upload open; the next leader aborts it. */
    @Test
    void uploadsACrashLeftOpenAreRemoved() throws Exception {
        S3ImageStore crashed = replica("crashed");
        ImageStore.PendingFile pending = crashed.create(DIR + "crashed/rootfs.squashfs");
        byte[] part = random(S3PendingFile.PART_SIZE);
        pending.write(part, 0, part.length);
        // Never closed: the process "died" here.
        assertTrue(openMultipartUploads() >= 1);
        assertEquals(0, replica("leader").removeAbandonedUploads(Duration.ofHours(1)), "a recent upload may be live");
        assertTrue(replica("leader").removeAbandonedUploads(Duration.ZERO) >= 1);
        assertEquals(0, openMultipartUploads());
    }

    /** Four replicas commit the same new name at once, small and multipart: exactly one wins each time. */
    @Test
    void racingWritersOfOneNameHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int size : new int[] {1000, S3PendingFile.PART_SIZE + 1}) {
                for (int round = 0; round < 3; round++) {
                    String path = DIR + "race-" + size + "-" + round + "/lxd.tar.xz";
                    List<Callable<byte[]>> writers = new java.util.ArrayList<>();
                    for (int w = 0; w < 4; w++) {
                        S3ImageStore store = replica("w" + w);
                        byte[] content = random(size);
                        writers.add(() -> {
                            try (ImageStore.PendingFile pending = store.create(path)) {
                                pending.write(content, 0, content.length);
                                pending.commit(false);
                                return content;
                            } catch (FileExistsException e) {
                                return null;
                            }
                        });
                    }
                    byte[] winner = null;
                    int winners = 0;
                    for (Future<byte[]> result : pool.invokeAll(writers)) {
                        if (result.get() != null) {
                            winners++;
                            winner = result.get();
                        }
                    }
                    assertEquals(1, winners, path + ": exactly one writer creates the file");
                    try (InputStream in = replica("r").open(path)) {
                        assertArrayEquals(winner, in.readAllBytes(), "the file holds the winner's bytes, whole");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReplicaWithAStaleViewCannotOverwriteTheCatalogue() throws Exception {
        S3ImageStore leader = replica("leader");
        S3ImageStore stale = replica("stale");
        String doc = "streams/v1/images.json";
        leader.publish(doc, bytes("v1"));
        assertEquals("v1", text(stale.readIfChanged(doc, null).orElseThrow().content()));
        leader.publish(doc, bytes("v2"));

        assertThrows(StaleWriteException.class, () -> stale.publish(doc, bytes("old view")));
        assertEquals("v2", text(leader.readIfChanged(doc, null).orElseThrow().content()),
                "the newer catalogue is kept");
        // Having looked again, the refused replica may publish (over what it now knows).
        stale.publish(doc, bytes("v3"));
        assertThrows(StaleWriteException.class, () -> leader.publish(doc, bytes("v2 again")));

        String tag = leader.readIfChanged(doc, null).orElseThrow().tag();
        assertTrue(leader.readIfChanged(doc, tag).isEmpty(), "an unchanged document is not read again");
    }

    @Test
    void aDownloadUrlServesTheBytesWithoutTheServer() throws Exception {
        S3ImageStore store = replica("a");
        String path = DIR + "presigned/rootfs.squashfs";
        byte[] content = random(5000);
        try (ImageStore.PendingFile pending = store.create(path)) {
            pending.write(content, 0, content.length);
            pending.commit(false);
        }
        URI url = store.downloadUrl(path).orElseThrow();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(content, response.body());
        assertThrows(UnsafePathException.class, () -> store.downloadUrl("images/../secret"));
    }

    private static int openMultipartUploads() {
        try (S3Client s3 = rgw.client()) {
            return s3.listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random().nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
