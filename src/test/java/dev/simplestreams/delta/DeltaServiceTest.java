package dev.simplestreams.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.config.DeltaSettings;
import dev.simplestreams.indexer.Indexer;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.testing.CapturedLog;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta generation on a data root with the real indexer and Debian's xdelta3: what is made, checked, kept,
 * remembered across restarts, and removed with its base.
 */
class DeltaServiceTest {

    private static final String PRODUCT = "debian:bookworm:amd64:default";
    private static final String DIR = "images/debian/bookworm/amd64/default/";
    private static final List<String> VERSIONS = List.of("20261101_00:00", "20261102_00:00", "20261103_00:00");
    private static final DeltaSettings FROM_ONE = new DeltaSettings(true, 1, 50, Duration.ofMinutes(1));
    /** xdelta3 runs at nice 19: on a machine busy with other work it gets the CPU last. */
    private static final Duration NICED = Duration.ofMinutes(3);

    @TempDir
    Path root;
    @TempDir
    Path work;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final AtomicReference<PublishedCatalog> published = new AtomicReference<>();
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final AtomicInteger rescans = new AtomicInteger();
    private FileSystemStore store;
    private HashCache cache;
    private Indexer indexer;
    private DeltaService service;
    private Path serviceWork;
    private byte[] firstBody;

    @BeforeEach
    void writeVersions() throws IOException {
        firstBody = new byte[2 << 20];
        new Random(7).nextBytes(firstBody);
        for (int i = 0; i < VERSIONS.size(); i++) {
            Trees.splitImage(root, PRODUCT, VERSIONS.get(i), RootFiles.squashfs(changed(firstBody, i)));
        }
        store = new FileSystemStore(new DataRoot(root));
        cache = new HashCache();
        indexer = new Indexer(store, cache, pool, 0, Duration.ZERO, Duration.ZERO);
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        pool.shutdownNow();
    }

    @Test
    void theNewestVersionGetsACheckedDeltaFromThePreviousOneThatTheNextCatalogueLists() throws Exception {
        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        Path delta = versionDir(VERSIONS.get(2)).resolve("rootfs." + VERSIONS.get(1) + ".vcdiff");
        awaitGenerated(1);
        assertTrue(Files.exists(delta));
        assertFalse(Files.exists(versionDir(VERSIONS.get(2)).resolve("rootfs." + VERSIONS.get(0) + ".vcdiff")),
                "DELTA_FROM_VERSIONS=1: only from the version just before");
        assertTrue(Files.size(delta) < 10_000, "a few changed bytes make a small delta: " + Files.size(delta));
        assertArrayEquals(Files.readAllBytes(rootfs(VERSIONS.get(2))), decode(rootfs(VERSIONS.get(1)), delta));
        assertTrue(rescans.get() > 0, "the indexer is asked to look again");
        assertTrue(service.status().bytesSaved() > (2 << 20) - 10_000);

        Item item = publish().products().get(PRODUCT).versions().get(VERSIONS.get(2)).items()
                .get("rootfs." + VERSIONS.get(1) + ".vcdiff");
        assertEquals("squashfs.vcdiff", item.ftype());
        assertEquals(VERSIONS.get(1), item.deltaBase());
        assertEquals(Files.size(delta), item.size());
    }

    @Test
    void fromTwoVersionsMakesTwoDeltas() throws Exception {
        start(new DeltaSettings(true, 2, 50, Duration.ofMinutes(1)), Xdelta3.locate("xdelta3"));
        awaitGenerated(2);
        for (String base : VERSIONS.subList(0, 2)) {
            Path delta = versionDir(VERSIONS.get(2)).resolve("rootfs." + base + ".vcdiff");
            assertArrayEquals(Files.readAllBytes(rootfs(VERSIONS.get(2))), decode(rootfs(base), delta));
        }
    }

    @Test
    void aRestartMakesNoDeltaAgain() throws Exception {
        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        awaitGenerated(1);
        Path delta = versionDir(VERSIONS.get(2)).resolve("rootfs." + VERSIONS.get(1) + ".vcdiff");
        long made = Files.getLastModifiedTime(delta).toMillis();
        service.close();

        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        publish();
        Thread.sleep(2500);
        assertEquals(0, service.status().generated());
        assertEquals(made, Files.getLastModifiedTime(delta).toMillis());
    }

    @Test
    void aDeltaThatSavesTooLittleIsNotKeptAndNotTriedAgainUntilAFileChanges() throws Exception {
        byte[] unrelated = new byte[2 << 20];
        new Random(8).nextBytes(unrelated);
        Files.write(rootfs(VERSIONS.get(2)), RootFiles.squashfs(unrelated));
        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        Eventually.await("the delta refused", NICED, () -> service.status().tooLarge(), n -> n == 1);
        assertFalse(Files.exists(versionDir(VERSIONS.get(2)).resolve("rootfs." + VERSIONS.get(1) + ".vcdiff")));
        assertTrue(service.status().refused().get(DIR + VERSIONS.get(2) + "/rootfs." + VERSIONS.get(1) + ".vcdiff")
                .contains("DELTA_MAX_PERCENT=50%"));
        service.close();

        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        publish();
        Thread.sleep(2500);
        assertEquals(0, service.status().tooLarge(), "remembered across the restart");

        Files.write(rootfs(VERSIONS.get(2)), RootFiles.squashfs(changed(firstBody, 5)));
        publish();
        awaitGenerated(1);
    }

    @Test
    void aDeltaThatDoesNotRebuildTheTargetIsDiscardedReportedAndRemembered() throws Exception {
        // An encoder that makes the delta of the base to itself: it decodes fine, to the wrong bytes.
        Path wrong = script("wrong-xdelta3", "[ \"$1\" = -e ] && exec xdelta3 \"${@:1:10}\" \"${10}\" \"${12}\"\n"
                + "exec xdelta3 \"$@\"\n");
        try (CapturedLog log = CapturedLog.of(DeltaService.class.getName())) {
            start(FROM_ONE, Xdelta3.locate(wrong.toString()));
            Eventually.await("the failure", NICED, () -> service.status().failed(), n -> n == 1);
            String path = DIR + VERSIONS.get(2) + "/rootfs." + VERSIONS.get(1) + ".vcdiff";
            assertFalse(Files.exists(root.resolve(path)));
            assertTrue(service.status().lastError().contains("gives sha256"), service.status().lastError());
            assertTrue(service.status().refused().get(path).contains("not tried again"));
            assertTrue(log.records().stream().anyMatch(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().startsWith(path)), "the log names the file");
        }
        publish();
        Thread.sleep(2500);
        assertEquals(1, service.status().failed(), "not tried again in a loop");
        try (var files = Files.list(serviceWork)) {
            assertEquals(List.of(), files.toList(), "nothing left in the work directory");
        }
    }

    @Test
    void anEncoderThatRunsTooLongIsStopped() throws Exception {
        Path slow = script("slow-xdelta3", "[ \"$1\" = -e ] && exec sleep 600\nexec xdelta3 \"$@\"\n");
        start(new DeltaSettings(true, 1, 50, Duration.ofMillis(500)), Xdelta3.locate(slow.toString()));
        Eventually.await("the timeout", NICED, () -> service.status().failed(), n -> n == 1);
        assertTrue(service.status().lastError().contains("took longer than PT0.5S and was stopped"),
                service.status().lastError());
    }

    @Test
    void withoutXdelta3NothingIsGeneratedAndTheStatusSaysWhy() throws Exception {
        try (CapturedLog log = CapturedLog.of(DeltaService.class.getName())) {
            start(FROM_ONE, Xdelta3.locate("no-such-xdelta3"));
            assertEquals(1, log.records().stream().filter(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().contains("xdelta3 is not installed")).count());
        }
        Thread.sleep(2500);
        assertTrue(service.status().unavailable().contains("apt-get install xdelta3"));
        assertNull(service.status().encoder());
        assertEquals(0, service.status().generated());
    }

    @Test
    void turnedOffOrNotLeadingNothingIsGenerated() throws Exception {
        start(new DeltaSettings(false, 1, 50, Duration.ofMinutes(1)), Xdelta3.locate("xdelta3"));
        Thread.sleep(2500);
        assertEquals("turned off (DELTAS=off)", service.status().unavailable());
        assertEquals(0, service.status().generated());
        service.close();

        leading.set(false);
        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        Thread.sleep(2500);
        assertEquals(0, service.status().generated());
        leading.set(true);
        awaitGenerated(1);
    }

    @Test
    void aDeltaWhoseBaseIsGoneIsDeleted() throws Exception {
        start(FROM_ONE, Xdelta3.locate("xdelta3"));
        awaitGenerated(1);
        Path delta = versionDir(VERSIONS.get(2)).resolve("rootfs." + VERSIONS.get(1) + ".vcdiff");
        publish();
        service.close();

        // Deleted while the server was down, and by retention's pruner while it runs: both are found.
        try (var files = Files.walk(versionDir(VERSIONS.get(1)))) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        start(FROM_ONE, Optional.empty());
        publish();
        Eventually.await("the orphan deleted", () -> Files.exists(delta), exists -> !exists);
        Path uploaded = versionDir(VERSIONS.get(2)).resolve("rootfs." + VERSIONS.get(0) + ".vcdiff");
        Files.write(uploaded, RootFiles.vcdiff(new byte[] {1}));
        Indexer keepingOne = new Indexer(store, cache, pool, 1, Duration.ZERO, Duration.ZERO);
        published.set(keepingOne.fullScan());
        published.set(keepingOne.fullScan());
        assertFalse(Files.exists(versionDir(VERSIONS.get(0))), "pruned");
        Eventually.await("the uploaded orphan deleted", () -> Files.exists(uploaded), exists -> !exists);
    }

    private void start(DeltaSettings settings, Optional<Xdelta3> encoder) throws IOException {
        publish();
        serviceWork = Files.createTempDirectory(work, "deltas");
        service = new DeltaService(settings, encoder, store, cache, published::get, leading::get,
                rescans::incrementAndGet, serviceWork);
        service.start();
    }

    private PublishedCatalog publish() throws IOException {
        PublishedCatalog catalog = indexer.fullScan();
        published.set(catalog);
        return catalog;
    }

    private void awaitGenerated(long count) {
        Eventually.await(count + " delta(s) generated", NICED, () -> service.status(), s -> s.generated() == count);
    }

    private Path versionDir(String version) {
        return root.resolve(DIR + version);
    }

    private Path rootfs(String version) {
        return versionDir(version).resolve("rootfs.squashfs");
    }

    private Path script(String name, String body) throws IOException {
        Path script = work.resolve(name);
        Files.writeString(script, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** {@code body} with a few bytes changed in a place that depends on {@code n}. */
    private static byte[] changed(byte[] body, int n) {
        byte[] copy = body.clone();
        for (int i = 0; i < 16; i++) {
            copy[(n * 100_003 + i * 7) % copy.length] ^= (byte) (n + 1);
        }
        return copy;
    }

    /** Applies a delta as the clients do. */
    private static byte[] decode(Path base, Path delta) throws Exception {
        Process process = new ProcessBuilder("xdelta3", "-d", "-c", "-s", base.toString(), delta.toString()).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertEquals(0, process.waitFor());
        return out;
    }
}
