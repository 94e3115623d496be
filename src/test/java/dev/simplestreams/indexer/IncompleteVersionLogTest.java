package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.CapturedLog;
import dev.simplestreams.testing.Trees;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version waiting for its second file is normal (the metadata tarball is sent first): no warning while it is
 * young, one warning once it has stayed incomplete past the grace, and /status lists it all along.
 */
class IncompleteVersionLogTest {

    private static final String PRODUCT = "debian:bookworm:amd64:default";
    private static final String VERSION = "20261120_08:00";

    @TempDir
    Path root;
    private CapturedLog log;

    @BeforeEach
    void capture() {
        log = CapturedLog.of(Indexer.class.getName());
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void aYoungIncompleteVersionIsNotedAndWarnedAboutOnceItStaysIncomplete() throws Exception {
        TestRepository repo = new TestRepository(root);
        Path meta = repo.write(PRODUCT, VERSION, "lxd.tar.xz", TestRepository.metadataTarball(PRODUCT));

        assertEquals(1, repo.indexer().fullScan().problems().size(), "the problem list keeps it");
        assertEquals(List.of(Level.INFO), levels());

        log.clear();
        repo.indexer().fullScan();
        assertEquals(List.of(), levels(), "nothing new on the next pass");

        Trees.touch(meta, System.currentTimeMillis() - Indexer.INCOMPLETE_GRACE.toMillis() - 60_000);
        repo.indexer().fullScan();
        assertEquals(List.of(Level.WARNING), levels());
        assertTrue(log.records().get(0).getParameters()[1].toString().contains("incomplete"));

        log.clear();
        repo.indexer().fullScan();
        assertEquals(List.of(), levels(), "warned once");
    }

    @Test
    void aVersionCompletedInTimeIsNeverWarnedAbout() throws Exception {
        TestRepository repo = new TestRepository(root);
        repo.write(PRODUCT, VERSION, "lxd.tar.xz", TestRepository.metadataTarball(PRODUCT));
        repo.indexer().fullScan();
        repo.containerImage(PRODUCT, VERSION);

        assertEquals(1, repo.indexer().fullScan().versionCount());
        assertEquals(List.of(Level.INFO), levels());
    }

    @Test
    void anOldIncompleteVersionIsWarnedAboutAtOnce() throws Exception {
        TestRepository repo = new TestRepository(root);
        Path meta = repo.write(PRODUCT, VERSION, "lxd.tar.xz", TestRepository.metadataTarball(PRODUCT));
        Trees.touch(meta, System.currentTimeMillis() - Indexer.INCOMPLETE_GRACE.toMillis() - 60_000);

        repo.indexer().fullScan();
        assertEquals(List.of(Level.WARNING), levels());
    }

    private List<Level> levels() {
        return log.records().stream().map(LogRecord::getLevel).toList();
    }
}
