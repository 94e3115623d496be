package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.simplestreams.catalog.ContentCheck;
import dev.simplestreams.catalog.ContentException;
import dev.simplestreams.catalog.FileKind;
import java.util.List;

/**
 * What fuzzing checks for the content checks of root files and deltas: only ContentException, and the same
 * verdict whether the bytes come in pieces of any size (an upload) or as the head and tail alone (the indexer's
 * check of a file hashed before). Driven by ParsersFuzzTest.
 */
final class ContentCheckChecks {

    private static final List<FileKind> KINDS = List.of(FileKind.SQUASHFS, FileKind.DISK_KVM, FileKind.ROOT_TAR_XZ,
            FileKind.SQUASHFS_DELTA);

    private ContentCheckChecks() {
    }

    static void check(FuzzedDataProvider data) {
        FileKind kind = KINDS.get(data.consumeInt(0, KINDS.size() - 1));
        int piece = data.consumeInt(1, 70_000);
        byte[] bytes = data.consumeRemainingAsBytes();

        ContentCheck streamed = ContentCheck.of(kind);
        for (int at = 0; at < bytes.length; at += piece) {
            streamed.update(bytes, at, Math.min(piece, bytes.length - at));
        }
        ContentCheck headAndTail = ContentCheck.of(kind);
        int head = Math.min(bytes.length, headAndTail.headSize());
        headAndTail.update(bytes, 0, head);
        int between = Math.max(0, bytes.length - head - ContentCheck.TAIL);
        headAndTail.skip(between);
        headAndTail.update(bytes, head + between, bytes.length - head - between);

        assertEquals(verdict(streamed), verdict(headAndTail));
    }

    private static String verdict(ContentCheck check) {
        try {
            check.verify();
            return "accepted";
        } catch (ContentException e) {
            return e.getMessage();
        }
    }
}
