package dev.simplestreams.write;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The answer to a stored-aside upload suggests only what this server's settings let the uploader do. */
class UploadPolicyTest {

    private static final String PATH = "images/tiny/1.0/amd64/default/20261202_10:00/rootfs.squashfs";
    private static final String KEPT = "rootfs.squashfs.conflict-20261202T100500Z";

    @Test
    void withDeletesOffNoDeleteIsSuggested() {
        String note = new UploadPolicy(false, false, Duration.ofDays(7), 1).storedAsideNote(PATH, KEPT, null);
        assertFalse(note.contains("-X DELETE"), note);
        assertTrue(note.contains("upload it to a new version directory"), note);
        assertTrue(note.contains("ask the server's operator to set ALLOW_OVERWRITES or ALLOW_DELETES"), note);
        assertTrue(note.contains("deleted after 7 days"), note);
        assertFalse(note.contains("creation_date"), "a directory was named: " + note);
    }

    @Test
    void withDeletesOnDeletingIsSuggested() {
        String note = new UploadPolicy(false, true, Duration.ofDays(3), 1).storedAsideNote(PATH, KEPT, null);
        assertTrue(note.contains("curl -X DELETE .../" + PATH), note);
        assertFalse(note.contains("operator"), note);
        assertTrue(note.contains("deleted after 3 days"), note);
    }

    @Test
    void aPathlessUploadIsToldThatTheCreationDateChoseTheVersion() {
        String note = new UploadPolicy(false, false, Duration.ofDays(7), 1).storedAsideNote(PATH, KEPT,
                "placed with the file sent before it in this request");
        assertTrue(note.contains("creation_date in the metadata tarball's metadata.yaml"), note);
    }
}
