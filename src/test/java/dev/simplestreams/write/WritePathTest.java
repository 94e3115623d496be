package dev.simplestreams.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.access.AccessFile;
import dev.simplestreams.access.AccessRules;
import dev.simplestreams.access.Caller;
import dev.simplestreams.access.WriteScope;
import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.indexer.IndexerService;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path without HTTP: {@link UploadBatch} placing and storing files, {@link Committer} deciding
 * between created, unchanged, replaced and stored aside, and {@link DeleteService}, each answer checked against
 * the tree and the catalogue a real indexer publishes.
 */
class WritePathTest {

    private static final String PRODUCT = "ubuntu:jammy:amd64:default";
    private static final String DIR = "ubuntu/jammy/amd64/default/20261125_14:05/";
    private static final byte[] META = TestRepository.metadataTarball(PRODUCT);
    private static final byte[] ROOT = RootFiles.squashfs("the root".getBytes(StandardCharsets.UTF_8));
    /** Writes with no scope of their own: these tests are about the write path, not about who may write. */
    private static final WriteScope ANYONE = WriteScope.unrestricted();

    @TempDir
    Path data;
    private FileSystemStore store;
    private IndexerService indexer;

    @BeforeEach
    void start() throws Exception {
        store = new FileSystemStore(new DataRoot(data));
        indexer = TestRepository.newService(store, null, Duration.ofMillis(100), Duration.ofHours(1));
        indexer.start();
        Eventually.await("the first catalogue", indexer::current, c -> c != null);
    }

    @AfterEach
    void stop() {
        indexer.close();
    }

    private UploadBatch batch(boolean allowOverwrites) {
        return batch(allowOverwrites, ANYONE);
    }

    private UploadBatch batch(boolean allowOverwrites, WriteScope scope) {
        return new UploadService(store, new HashCache(), indexer,
                new UploadPolicy(allowOverwrites, false, Duration.ofDays(7), 1L << 30)).begin(scope);
    }

    private static StoredResult store(UploadBatch batch, String name, byte[] content) throws Exception {
        return batch.store(name, new ByteArrayInputStream(content), content.length);
    }

    @Test
    void aVersionIsPublishedOnceItsSecondFileIsStoredWithTheFingerprintOfBoth() throws Exception {
        UploadBatch batch = batch(false);
        assertEquals(FileOutcome.CREATED, store(batch, DIR + "lxd.tar.xz", META).result());
        assertFalse(batch.report().versions().get(0).published(), "a metadata tarball alone is no image");

        StoredResult root = store(batch, DIR + "rootfs.squashfs", ROOT);

        assertEquals(FileOutcome.CREATED, root.result());
        assertEquals("images/" + DIR + "rootfs.squashfs", root.path());
        assertEquals(Digests.sha256(ROOT), root.sha256());
        VersionState version = batch.report().versions().get(0);
        assertTrue(version.published(), version::toString);
        assertEquals(List.of(Digests.sha256(META, ROOT)), version.fingerprints());
        assertArrayEquals(ROOT, Files.readAllBytes(data.resolve("images/" + DIR + "rootfs.squashfs")));
    }

    @Test
    void bareNamesArePlacedByTheMetadataTarballAndTheFileBeforeThem() throws Exception {
        UploadBatch batch = batch(false);
        StoredResult meta = store(batch, "lxd.tar.xz", META);
        StoredResult root = store(batch, "rootfs.squashfs", ROOT);

        String version = meta.path().substring(0, meta.path().lastIndexOf('/') + 1);
        assertTrue(version.startsWith("images/ubuntu/jammy/amd64/default/"), meta.path());
        assertEquals("placed by its metadata.yaml", meta.note());
        assertEquals(version + "rootfs.squashfs", root.path());
        assertTrue(batch.report().versions().get(0).published());
    }

    @Test
    void aBareRootFileWithNothingBeforeItIsRefusedAndNothingIsStored() throws Exception {
        WriteException e = assertThrows(WriteException.class,
                () -> store(batch(false), "rootfs.squashfs", ROOT));
        assertTrue(e.getMessage().contains("no metadata tarball came before it"), e.getMessage());
        assertEquals(List.of(), store.list("images"));
    }

    @Test
    void theSameBytesAgainAreUnchangedAndOtherBytesAreStoredAsideWhileOverwritesAreOff() throws Exception {
        store(batch(false), DIR + "lxd.tar.xz", META);
        store(batch(false), DIR + "rootfs.squashfs", ROOT);

        assertEquals(FileOutcome.UNCHANGED, store(batch(false), DIR + "rootfs.squashfs", ROOT).result());
        byte[] other = RootFiles.squashfs("another root".getBytes(StandardCharsets.UTF_8));
        StoredResult aside = store(batch(false), DIR + "rootfs.squashfs", other);

        assertEquals(FileOutcome.STORED_ASIDE, aside.result());
        assertEquals("images/" + DIR + "rootfs.squashfs", aside.requested());
        assertTrue(aside.path().startsWith("images/" + DIR + "rootfs.squashfs.conflict-"), aside.path());
        assertTrue(aside.note().contains("ALLOW_OVERWRITES is off"), aside.note());
        assertArrayEquals(ROOT, Files.readAllBytes(data.resolve("images/" + DIR + "rootfs.squashfs")), "kept");
        assertArrayEquals(other, Files.readAllBytes(data.resolve(aside.path())));
        assertEquals(List.of(Digests.sha256(META, ROOT)), indexer.current().products().get(PRODUCT).versions()
                .get("20261125_14:05").fingerprints(), "the stored-aside bytes are not published");
    }

    @Test
    void otherBytesReplaceTheFileWhenOverwritesAreOn() throws Exception {
        store(batch(true), DIR + "lxd.tar.xz", META);
        store(batch(true), DIR + "rootfs.squashfs", ROOT);
        byte[] other = RootFiles.squashfs("another root".getBytes(StandardCharsets.UTF_8));

        UploadBatch batch = batch(true);
        assertEquals(FileOutcome.REPLACED, store(batch, DIR + "rootfs.squashfs", other).result());

        assertEquals(List.of(Digests.sha256(META, other)), batch.report().versions().get(0).fingerprints());
        try (Stream<Path> files = Files.list(data.resolve("images/" + DIR))) {
            assertEquals(2, files.count(), "replaced in place, nothing beside it");
        }
    }

    @Test
    void anotherTeamCannotOverwriteStoreAsideOrDeleteEvenWithOverwritesAndDeletesOn() throws Exception {
        AccessRules rules = AccessFile.parse(("{\"writers\": [{\"roles\": [\"team-b\"], \"may\": [\"create\", "
                + "\"overwrite\", \"delete\"], \"under\": [\"images/team-b/\"]}]}").getBytes(StandardCharsets.UTF_8));
        WriteScope teamB = rules.scopeOf(new Caller("bob", "team-b"::equals));
        String teamA = "team-a/jammy/amd64/default/20261125_14:05/";
        store(batch(true), teamA + "lxd.tar.xz", META);
        store(batch(true), teamA + "rootfs.squashfs", ROOT);
        byte[] other = RootFiles.squashfs("other bytes".getBytes(StandardCharsets.UTF_8));

        WriteException overwrite = assertThrows(WriteException.class,
                () -> store(batch(true, teamB), teamA + "rootfs.squashfs", other));
        assertEquals(WriteException.Reason.NOT_ALLOWED, overwrite.reason());
        assertEquals("overwrite", overwrite.refusal().operation());
        WriteException aside = assertThrows(WriteException.class,
                () -> store(batch(false, teamB), teamA + "rootfs.squashfs", other));
        assertEquals("create", aside.refusal().operation(), "a copy kept aside is a new file");
        assertEquals("delete", assertThrows(WriteException.class, () -> new DeleteService(store, indexer, true)
                .delete("images/" + teamA + "rootfs.squashfs", teamB)).refusal().operation());
        assertEquals(2, store.list("images").size(), "team-a's two files, nothing else");
        assertArrayEquals(ROOT, Files.readAllBytes(data.resolve("images/" + teamA + "rootfs.squashfs")));
        assertEquals(FileOutcome.CREATED, store(batch(true, teamB), "team-b/jammy/amd64/default/20261125_14:05/"
                + "lxd.tar.xz", META).result());
    }

    @Test
    void deletingAFileTakesItsVersionOutOfTheCatalogueAtOnce() throws Exception {
        store(batch(false), DIR + "lxd.tar.xz", META);
        store(batch(false), DIR + "rootfs.squashfs", ROOT);
        DeleteService deletes = new DeleteService(store, indexer, true);

        DeleteReport report = deletes.delete("images/" + DIR + "rootfs.squashfs", ANYONE);

        assertEquals("images/" + DIR + "rootfs.squashfs", report.deleted());
        assertFalse(report.version().published(), report.version()::toString);
        assertTrue(indexer.current().products().isEmpty());
        assertEquals(WriteException.Reason.NOT_FOUND, assertThrows(WriteException.class,
                () -> deletes.delete("images/" + DIR + "rootfs.squashfs", ANYONE)).reason());
        DeleteReport whole = deletes.delete("images/" + DIR.substring(0, DIR.length() - 1), ANYONE);
        assertFalse(whole.version().published());
        assertEquals(List.of(), store.list("images"));
    }

    @Test
    void deletesAreRefusedWhenNotAllowedAndAboveAVersionDirectory() throws Exception {
        store(batch(false), DIR + "lxd.tar.xz", META);
        WriteException off = assertThrows(WriteException.class,
                () -> new DeleteService(store, indexer, false).delete("images/" + DIR + "lxd.tar.xz", ANYONE));
        assertEquals(WriteException.Reason.NOT_ALLOWED, off.reason());
        assertTrue(off.getMessage().contains("ALLOW_DELETES"), off.getMessage());
        WriteException above = assertThrows(WriteException.class,
                () -> new DeleteService(store, indexer, true).delete("images/ubuntu/jammy/amd64/default", ANYONE));
        assertEquals(WriteException.Reason.INVALID, above.reason());
        assertTrue(above.getMessage().contains("only a version directory"), above.getMessage());
        assertEquals(1, store.list("images").size(), "nothing was deleted");
    }
}
