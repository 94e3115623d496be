package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.simplestreams.catalog.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files large enough to be flushed while they are written: the bytes land intact and no flush thread stays. */
class WritebackTest {

    private static final String PATH = "images/a/b/amd64/default/20260101_00:00/rootfs.squashfs";
    private static final int CHUNKS = (int) (3 * Writeback.EVERY / (1 << 20)) + 5;

    @TempDir
    Path data;

    @Test
    void aCommittedFileHasEveryByteWritten() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(data));
        MessageDigest written = Sha256.newDigest();
        try (ImageStore.PendingFile pending = store.create(PATH)) {
            writeChunks(pending, written);
            pending.commit(false);
        }
        Path file = data.resolve(PATH);
        assertEquals((long) CHUNKS << 20, Files.size(file));
        try (var in = Files.newInputStream(file)) {
            assertEquals(Sha256.hex(written), Sha256.hex(Sha256.digest(in)));
        }
        assertNoFlushThreadLeft();
    }

    @Test
    void aDiscardedFileIsGoneWithoutWaitingForTheDisk() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(data));
        try (ImageStore.PendingFile pending = store.create(PATH)) {
            writeChunks(pending, Sha256.newDigest());
        }
        try (Stream<Path> left = Files.list(data)) {
            assertEquals(0, left.count(), "neither the file nor the directories made for it remain");
        }
        assertNoFlushThreadLeft();
    }

    private static void writeChunks(ImageStore.PendingFile pending, MessageDigest digest) throws Exception {
        Random random = new Random(7);
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < CHUNKS; i++) {
            random.nextBytes(chunk);
            digest.update(chunk);
            pending.write(chunk, 0, chunk.length);
        }
    }

    private static void assertNoFlushThreadLeft() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (flushThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(flushThreads() > 0, "a writeback thread is still running");
    }

    private static long flushThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("simplestreams-upload-writeback")).count();
    }
}
