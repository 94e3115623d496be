package dev.simplestreams.audit;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Where changes are recorded, and read back from. Safe for concurrent use. */
public interface AuditTrail extends Closeable {

    /** Records nothing: for tools and tests that change a tree no one audits. */
    AuditTrail NONE = new AuditTrail() {
        @Override
        public void record(List<AuditEntry> entries) {
        }

        @Override
        public void read(Instant since, Instant until, Consumer<String> lines) {
        }
    };

    /**
     * Stamps the entries with the current time and stores them durably before returning: a server that dies
     * after answering the writer has not lost them.
     */
    void record(List<AuditEntry> entries) throws IOException;

    /** Records that {@code who} (a background job) deleted a retired version directory. */
    default void pruned(String who, String directory, String why) throws IOException {
        record(List.of(AuditEntry.background("prune", who, directory, null, null, null, "deleted", why)));
    }

    /** Hands {@code lines} every recorded line with {@code since <= time < until}, oldest first. */
    void read(Instant since, Instant until, Consumer<String> lines) throws IOException;

    /** Releases what the trail holds open; called once nothing records any more. */
    @Override
    default void close() throws IOException {
    }
}
