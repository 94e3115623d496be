package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ImageStore} promises the rest of the server, written once and run against each store on
 * real storage (a directory, a Ceph RGW bucket), the way Commons FileUpload runs one suite against each of its
 * back ends: files appear whole or not at all, nothing is clobbered unless asked, hidden and temporary names
 * stay out of listings, deletes, change tags for published documents, and the server's own state.
 */
abstract class ImageStoreContract {

    static final String DIR = "images/ubuntu/jammy/amd64/default/20261125_14:05";

    private ImageStore store;

    /** A store on empty storage of its own. */
    abstract ImageStore newStore() throws Exception;

    /** Puts a file in place behind the store's back, as another tool would (rsync, an operator). */
    abstract void placeBehindItsBack(String path, byte[] content) throws Exception;

    @BeforeEach
    void emptyStore() throws Exception {
        store = newStore();
    }

    @Test
    void aPendingFileIsInvisibleUntilCommittedAndThenWhole() throws Exception {
        String path = DIR + "/rootfs.squashfs";
        byte[] content = bytes("the root file");
        try (ImageStore.PendingFile pending = store.create(path)) {
            pending.write(content, 0, 4);
            pending.write(content, 4, content.length - 4);
            assertEquals(List.of(), store.list("images"), "nothing listed while it is written");
            assertTrue(store.stat(path).isEmpty());
            StoredFile placed = pending.commit(false);
            assertEquals(path, placed.path());
            assertEquals(content.length, placed.size());
        }
        assertEquals(List.of(path), paths(store.list("images")));
        assertEquals(content.length, store.stat(path).orElseThrow().size());
        assertArrayEquals(content, read(path));
    }

    @Test
    void aPendingFileClosedWithoutCommitLeavesNothing() throws Exception {
        try (ImageStore.PendingFile pending = store.create(DIR + "/disk.qcow2")) {
            pending.write(bytes("half a disk"), 0, 4);
        }
        assertEquals(List.of(), store.list("images"));
        assertTrue(store.stat(DIR + "/disk.qcow2").isEmpty());
    }

    @Test
    void aCommitWithoutReplaceNeverClobbersAndOneWithReplaceDoes() throws Exception {
        String path = DIR + "/lxd.tar.xz";
        write(path, "first", false);
        ImageStore.PendingFile second = store.create(path);
        second.write(bytes("second"), 0, 6);
        assertThrows(FileExistsException.class, () -> second.commit(false));
        second.close();
        assertArrayEquals(bytes("first"), read(path), "the existing file is kept");

        write(path, "third", true);
        assertArrayEquals(bytes("third"), read(path));
        assertEquals(List.of(path), paths(store.list("images")), "replaced in place, nothing left beside it");
    }

    @Test
    void aCommitUnderAnotherNameLandsBesideTheFileAndNeverClobbersEither() throws Exception {
        String path = DIR + "/rootfs.squashfs";
        write(path, "kept", false);
        try (ImageStore.PendingFile pending = store.create(path)) {
            pending.write(bytes("aside"), 0, 5);
            StoredFile aside = pending.commitAs("rootfs.squashfs.conflict-1");
            assertEquals(DIR + "/rootfs.squashfs.conflict-1", aside.path());
        }
        assertArrayEquals(bytes("kept"), read(path));
        assertArrayEquals(bytes("aside"), read(DIR + "/rootfs.squashfs.conflict-1"));
        try (ImageStore.PendingFile again = store.create(path)) {
            again.write(bytes("again"), 0, 5);
            assertThrows(FileExistsException.class, () -> again.commitAs("rootfs.squashfs.conflict-1"));
        }
        assertArrayEquals(bytes("aside"), read(DIR + "/rootfs.squashfs.conflict-1"));
    }

    @Test
    void aFileOrAWholeDirectoryIsDeletedAndAMissingOneIsNoError() throws Exception {
        write(DIR + "/lxd.tar.xz", "meta", false);
        write(DIR + "/rootfs.squashfs", "root", false);
        String other = "images/ubuntu/jammy/amd64/default/20261126_00:00/lxd.tar.xz";
        write(other, "other", false);

        assertTrue(store.delete(DIR + "/rootfs.squashfs"));
        assertFalse(store.delete(DIR + "/rootfs.squashfs"), "already gone");
        assertEquals(List.of(DIR + "/lxd.tar.xz", other), paths(store.list("images")));
        assertTrue(store.delete(DIR));
        assertEquals(List.of(other), paths(store.list("images")), "the version directory and all under it");
        assertThrows(UnsafePathException.class, () -> store.delete("images/../streams"));
    }

    @Test
    void hiddenAndTemporaryNamesAreNeverListed() throws Exception {
        write(DIR + "/lxd.tar.xz", "meta", false);
        for (String name : new String[] {".rootfs.squashfs.1234.upload", "rootfs.squashfs.part", "lxd.tar.xz.tmp",
                "metadata.json~"}) {
            placeBehindItsBack(DIR + "/" + name, bytes("temporary"));
        }
        placeBehindItsBack("images/ubuntu/jammy/amd64/default/.hidden/lxd.tar.xz", bytes("hidden directory"));
        assertEquals(List.of(DIR + "/lxd.tar.xz"), paths(store.list("images")));
    }

    @Test
    void aFilePlacedBehindItsBackIsListedAndRead() throws Exception {
        placeBehindItsBack(DIR + "/root.tar.xz", bytes("copied in"));
        assertEquals(List.of(DIR + "/root.tar.xz"), paths(store.list(DIR)));
        assertArrayEquals(bytes("copied in"), read(DIR + "/root.tar.xz"));
    }

    @Test
    void aPublishedDocumentIsReadAgainOnlyWhenItChanged() throws Exception {
        String doc = "streams/v1/images.json";
        assertTrue(store.readIfChanged(doc, null).isEmpty(), "nothing published yet");
        store.publish(doc, bytes("v1"));
        ImageStore.Tagged first = store.readIfChanged(doc, null).orElseThrow();
        assertArrayEquals(bytes("v1"), first.content());
        assertTrue(store.readIfChanged(doc, first.tag()).isEmpty(), "unchanged: not read again");

        store.publish(doc, bytes("v2, longer"));
        ImageStore.Tagged second = store.readIfChanged(doc, first.tag()).orElseThrow();
        assertArrayEquals(bytes("v2, longer"), second.content());
        assertNotEquals(first.tag(), second.tag());
    }

    @Test
    void theServersStateIsKeptApartFromTheTree() throws Exception {
        assertEquals(Optional.empty(), store.readState("hash-cache.json"));
        store.writeState("hash-cache.json", bytes("{}"));
        store.writeState("notes-b", bytes("b"));
        store.writeState("notes-a", bytes("a"));
        assertArrayEquals(bytes("{}"), store.readState("hash-cache.json").orElseThrow());
        assertEquals(List.of("notes-a", "notes-b"), store.listState("notes-"));
        store.deleteState("notes-a");
        assertEquals(List.of("notes-b"), store.listState("notes-"));
        assertEquals(List.of(), store.list("images"), "state is no image");
    }

    @Test
    void pathsOutsideTheLayoutAreRefused() {
        for (String unsafe : new String[] {"images/../secret", "/etc/passwd", "images/a/./b", "images/.hidden/x"}) {
            assertThrows(UnsafePathException.class, () -> store.create(unsafe), unsafe);
            assertThrows(UnsafePathException.class, () -> store.stat(unsafe), unsafe);
        }
    }

    private void write(String path, String content, boolean replace) throws Exception {
        try (ImageStore.PendingFile pending = store.create(path)) {
            byte[] bytes = bytes(content);
            pending.write(bytes, 0, bytes.length);
            pending.commit(replace);
        }
    }

    private byte[] read(String path) throws IOException, UnsafePathException {
        try (InputStream in = store.open(path)) {
            return in.readAllBytes();
        }
    }

    private static List<String> paths(List<StoredFile> files) {
        return files.stream().map(StoredFile::path).toList();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
