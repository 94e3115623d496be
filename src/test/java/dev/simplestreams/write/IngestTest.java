package dev.simplestreams.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.ImageFile;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Threads;
import dev.simplestreams.testing.Trees;
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
    @ValueSource(ints = {96, 97, 262_143, 262_144, 262_145, 4 * 262_144, 4 * 262_144 + 1, 9 * 262_144 + 77,
            40 << 20})
    void digestsAndBytesMatchTheBodyAtEverySize(int size) throws Exception {
        byte[] random = new byte[size - 96];
        new Random(size).nextBytes(random);
        byte[] body = RootFiles.squashfs(random);
        FileSystemStore store = new FileSystemStore(new DataRoot(data));
        Ingest.Digested digested;
        try (ImageStore.PendingFile pending = store.create("images/a/b/amd64/default/20260101_00:00/rootfs.squashfs")) {
            digested = Ingest.copy(new Dribble(new ByteArrayInputStream(body)), pending, prefix(), Long.MAX_VALUE,
                    size, inspection());
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
        byte[] random = new byte[300_000];
        new Random(1).nextBytes(random);
        byte[] body = RootFiles.squashfs(random);
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            Ingest.Digested digested = Ingest.copy(new ByteArrayInputStream(body), pending, null, Long.MAX_VALUE, -1,
                    inspection());
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
                    3 << 20, inspection()));
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
            WriteException e = assertThrows(WriteException.class, () -> Ingest.copy(
                    new ByteArrayInputStream(new byte[1 << 20]), pending, prefix(), 600_000, -1, inspection()));
            assertEquals(WriteException.Reason.TOO_LARGE, e.reason());
        }
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    @Test
    void aBodyShorterThanAnnouncedIsRefused() throws Exception {
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            WriteException e = assertThrows(WriteException.class, () -> Ingest.copy(
                    new ByteArrayInputStream(new byte[1000]), pending, null, Long.MAX_VALUE, 1001, inspection()));
            assertEquals(WriteException.Reason.INVALID, e.reason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello\n", "hsqs"})
    void bytesThatAreNoSquashfsAreRefusedAndNothingIsKept(String content) throws Exception {
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create("images/x")) {
            WriteException e = assertThrows(WriteException.class, () -> Ingest.copy(
                    new ByteArrayInputStream(content.getBytes()), pending, prefix(), Long.MAX_VALUE, -1, inspection()));
            assertTrue(e.getMessage().startsWith("rootfs.squashfs is "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; nothing was stored"), e.getMessage());
        }
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
        try (var left = Files.list(data)) {
            assertEquals(0, left.count(), "the refused file is gone");
        }
    }

    @Test
    void aMetadataTarballIsReadWhileItArrivesAndItsThreadEnds() throws Exception {
        byte[] tarball = Trees.metadataTarXz(Trees.metadataYaml("x86_64", "a", "b", "default"));
        Ingest.Digested digested = ingestTarball(new Dribble(new ByteArrayInputStream(tarball)), tarball.length);
        assertEquals("x86_64", digested.metadata().architecture());
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    @Test
    void aMetadataTarballForAnotherArchitectureIsRefused() throws Exception {
        byte[] tarball = Trees.metadataTarXz(Trees.metadataYaml("aarch64", "a", "b", "default"));
        WriteException e = assertThrows(WriteException.class,
                () -> ingestTarball(new ByteArrayInputStream(tarball), -1));
        assertTrue(e.getMessage().contains("metadata.yaml says architecture 'aarch64' but the directory says "
                + "'amd64'; upload it under arm64/"), e.getMessage());
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    /** Found by the hostile corpus: readers that looked past the end of a short tarball waited forever. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, 1024})
    void aShortTarballIsRefusedAtOnce(int size) throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(WriteException.class,
                () -> ingestTarball(new ByteArrayInputStream(new byte[size]), -1)));
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    @Test
    void aTarballWithoutMetadataIsRefusedWhateverItsSize() throws Exception {
        byte[] random = new byte[3 << 20];
        new Random(7).nextBytes(random);
        WriteException e = assertThrows(WriteException.class,
                () -> ingestTarball(new Dribble(new ByteArrayInputStream(random)), -1));
        assertTrue(e.getMessage().startsWith("lxd.tar.xz: "), e.getMessage());
        Threads.awaitNone("simplestreams-upload-", Duration.ofSeconds(5));
    }

    /** An upload of {@code body} as a version's lxd.tar.xz, inspected as it streams in. */
    private Ingest.Digested ingestTarball(InputStream body, long length) throws Exception {
        ImageFile file = Layout.parseFile("images/a/b/amd64/default/20260101_00:00/lxd.tar.xz");
        try (ImageStore.PendingFile pending = new FileSystemStore(new DataRoot(data)).create(file.path());
                Inspection inspection = Inspection.of(file)) {
            return Ingest.copy(body, pending, null, Long.MAX_VALUE, length, inspection);
        }
    }

    private static Inspection inspection() {
        try {
            return Inspection.of(Layout.parseFile("images/a/b/amd64/default/20260101_00:00/rootfs.squashfs"));
        } catch (LayoutException e) {
            throw new IllegalStateException(e);
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
