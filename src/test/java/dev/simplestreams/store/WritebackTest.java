package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.testing.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
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
        Threads.awaitNone("simplestreams-upload-writeback", Duration.ofSeconds(10));
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
        Threads.awaitNone("simplestreams-upload-writeback", Duration.ofSeconds(10));
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
}
