package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.TestRepository;
import dev.simplestreams.testing.Eventually;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Predecessor defect: any exception killed the indexer thread for good while the process looked healthy.
 * Here one pass is made to fail, in the pass itself or in a hashing thread, and the next must still run.
 */
class IndexerRecoveryTest {

    @TempDir
    Path dir;

    private IndexerService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @FunctionalInterface
    interface Fault {
        /** Makes the next call of one store operation throw, once. */
        void inject(StoreProbe probe, Throwable failure);
    }

    private static final Fault LISTING = (probe, failure) -> probe.failOnce("list", StoreProbe.any(), failure);
    private static final Fault HASHING = (probe, failure) ->
            probe.failOnce("open", StoreProbe.endingWith("/rootfs.squashfs"), failure);

    /**
     * Each kind of throwable takes its own path through the indexer: checked, unchecked, an Error; and in a
     * hashing thread, an I/O error (that version left out of the pass) or anything else (the pass fails).
     */
    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("listing the tree", LISTING, new IOException("injected: stale NFS handle")),
                Arguments.of("listing the tree", LISTING, new IllegalStateException("injected: a bug")),
                Arguments.of("listing the tree", LISTING, new OutOfMemoryError("injected: a bad moment")),
                Arguments.of("hashing a file", HASHING, new IOException("injected: stale NFS handle")),
                Arguments.of("hashing a file", HASHING, new IllegalStateException("injected: a bug")));
    }

    /** Once a catalogue is served, the faults that matter are the ones a later pass may meet. */
    static Stream<Arguments> laterFaults() {
        return Stream.of(
                Arguments.of("listing the tree", LISTING, new IllegalStateException("injected: a bug")),
                Arguments.of("hashing a file", HASHING, new IOException("injected: stale NFS handle")));
    }

    @ParameterizedTest(name = "{0} throws {2}")
    @MethodSource("faults")
    void aFailedPassIsRetriedAndTheNextOnePublishes(String where, Fault fault, Throwable failure) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.containerImage(UBUNTU, V2);
        StoreProbe probe = StoreProbe.around(repo.store());
        fault.inject(probe, failure);
        // No watcher: the first pass and the retry are both full rescans.
        service = TestRepository.newService(probe.store(), null, Duration.ofMillis(10), Duration.ofMillis(100));

        service.start();

        // A version whose file could not be read is left out of that pass only, never for good.
        Eventually.await("both versions after the failed pass", service::current,
                c -> c != null && c.products().containsKey(UBUNTU)
                        && c.products().get(UBUNTU).versions().keySet().containsAll(List.of(V1, V2)));
        assertTrue(probe.calls("list") >= 2);
        Eventually.await("the failure to be cleared", service::status, s -> s.consecutiveFailures() == 0);
        assertNull(service.status().lastError());
        assertTrue(service.status().indexing(), "the indexing thread is alive");
    }

    @ParameterizedTest(name = "{0} throws {2}")
    @MethodSource("laterFaults")
    void aPassFailingAfterTheCatalogueExistedDoesNotStopLaterChanges(String where, Fault fault, Throwable failure)
            throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        StoreProbe probe = StoreProbe.around(repo.store());
        service = TestRepository.newService(probe.store(), null, Duration.ofMillis(10), Duration.ofMillis(100));
        service.start();
        Eventually.await("the first catalogue", service::current, c -> c != null && c.products().containsKey(UBUNTU));

        fault.inject(probe, failure);
        repo.containerImage(UBUNTU, V2);

        Eventually.await("the new version", service::current,
                c -> c.products().get(UBUNTU).versions().containsKey(V2));
        assertTrue(service.status().indexing());
    }
}
