package dev.simplestreams.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.testing.Threads;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The digests computed on their own threads equal one-pass digests, whatever the buffers' boundaries. */
class IngestTest {

    private static final byte[] METADATA = "a metadata tarball".getBytes();

    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 262_143, 262_144, 262_145, 4 * 262_144, 4 * 262_144 + 1, 9 * 262_144 + 77,
            40 << 20})
    void digestsAndBytesMatchTheBodyAtEverySize(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        FileSystemStore store = new FileSystemStore(new DataRoot(data));
        Ingest.Digested digested;
        try (ImageStore.PendingFile pending = store.create("images/a/b/amd64/default/20260101_00:00/rootfs.squashfs")) {
            digested = Ingest.copy(new Dribble(new ByteArrayInputStream(body)), pending, prefix(), Long.MAX_VALUE,
                    size);
            pending.commit(false);
        }
        assertEquals(size, digested.size());
        assertEquals(Sha256.hex(body), digested.sha256());
        byte[] both = Arrays.copyOf(METADATA, METADATA.length + size);
        System.arraycopy(body, 0, both, METADATA.length, size);
        assertEquals(Sha256.hex(both), digested.combined());
        assertArrayEquals(body, Files.readAllBytes(data.resolve(
                "images/a/b/amd64/default/20260101_00:00/rootfs.squashfs")));
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    @Test
    void withoutAMetadataPrefixThereIsNoFingerprint() throws Exception {
        byte[] body = new byte[300_000];
        new Random(1).nextBytes(body);
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            Ingest.Digested digested = Ingest.copy(new ByteArrayInputStream(body), pending, null, Long.MAX_VALUE, -1);
            assertEquals(Sha256.hex(body), digested.sha256());
            assertNull(digested.combined());
        }
    }

    @Test
    void aBodyCutOffMidwayFailsAndLeavesNoThreadBehind() throws Exception {
        InputStream cut = new FilterInputStream(new ByteArrayInputStream(new byte[3 << 20])) {
            private int served;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served > (2 << 20)) {
                    throw new IOException("connection reset");
                }
                int n = super.read(b, off, Math.min(len, 8192));
                served += n;
                return n;
            }
        };
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            IOException e = assertThrows(IOException.class, () -> Ingest.copy(cut, pending, prefix(), Long.MAX_VALUE,
                    3 << 20));
            assertEquals("connection reset", e.getMessage());
        }
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
        try (var left = Files.list(data)) {
            assertEquals(0, left.count(), "the partial file is gone");
        }
    }

    @Test
    void aBodyLargerThanAllowedIsRefusedAtTheLimit() throws Exception {
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            assertThrows(TooLargeException.class, () -> Ingest.copy(new ByteArrayInputStream(new byte[1 << 20]),
                    pending, prefix(), 600_000, -1));
        }
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    @Test
    void aBodyShorterThanAnnouncedIsRefused() throws Exception {
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            assertThrows(InvalidUploadException.class, () -> Ingest.copy(new ByteArrayInputStream(new byte[1000]),
                    pending, null, Long.MAX_VALUE, 1001));
        }
    }

    private static MessageDigest prefix() {
        MessageDigest digest = Sha256.newDigest();
        digest.update(METADATA);
        return digest;
    }

    /** Hands out a few KiB per read, as the container does. */
    private static final class Dribble extends FilterInputStream {
        Dribble(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 7000));
        }
    }
}
