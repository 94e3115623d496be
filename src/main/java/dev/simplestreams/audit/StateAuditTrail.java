package dev.simplestreams.audit;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.store.ConditionalState;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The trail in a store shared by several replicas (a bucket): each recorded batch is one state object of its own,
 * named by its time, the replica and a random part, and written only if no object has that name, so no replica
 * can overwrite another's lines; the store has it before {@link #record} returns. Reading merges them all by time:
 * the names sort as the times do. At most {@code maxObjects} are kept, the oldest deleted first.
 */
public final class StateAuditTrail implements AuditTrail {

    /** Objects kept: one per recorded request, a few hundred bytes each. */
    public static final int MAX_OBJECTS = 100_000;
    private static final Logger LOG = Logger.getLogger(StateAuditTrail.class.getName());
    private static final String PREFIX = "audit/";
    /** Fixed width, so that names sort as times do. */
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int TIME_LENGTH = "20260101T000000.000000000Z".length();
    /** Deleting beyond the bound is checked every so many records, not on each. */
    private static final int PRUNE_EVERY = 1000;

    private final ImageStore store;
    private final ConditionalState conditional;
    private final String replica;
    private final Clock clock;
    private final int maxObjects;
    private int sincePrune;

    public <S extends ImageStore & ConditionalState> StateAuditTrail(S store, String replica, Clock clock) {
        this(store, replica, clock, MAX_OBJECTS);
    }

    <S extends ImageStore & ConditionalState> StateAuditTrail(S store, String replica, Clock clock, int maxObjects) {
        this.store = store;
        this.conditional = store;
        this.replica = replica.replaceAll("[^A-Za-z0-9.-]", "_");
        this.clock = clock;
        this.maxObjects = maxObjects;
    }

    @Override
    public void record(List<AuditEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        String when = now.toString();
        StringBuilder lines = new StringBuilder();
        for (AuditEntry entry : entries) {
            lines.append(JSON.writeValueAsString(entry.at(when))).append('\n');
        }
        byte[] content = lines.toString().getBytes(StandardCharsets.UTF_8);
        // A random name taken already is all but impossible; taking another costs nothing.
        while (conditional.swap(PREFIX + NAME_TIME.format(now) + "-" + replica + "-" + UUID.randomUUID() + ".jsonl",
                content, null).isEmpty()) {
            LOG.warning("an audit object of that name exists already; writing under another");
        }
        if (due()) {
            prune();
        }
    }

    @Override
    public void read(Instant since, Instant until, Consumer<String> lines) throws IOException {
        for (String name : store.listState(PREFIX)) {
            Instant time = timeOf(name);
            if (time == null || time.isBefore(since) || !time.isBefore(until)) {
                continue;
            }
            // Pruned while read: its lines were the oldest.
            Optional<byte[]> content = store.readState(name);
            if (content.isPresent()) {
                new String(content.get(), StandardCharsets.UTF_8).lines().forEach(lines);
            }
        }
    }

    private synchronized boolean due() {
        if (++sincePrune < PRUNE_EVERY) {
            return false;
        }
        sincePrune = 0;
        return true;
    }

    private void prune() throws IOException {
        List<String> names = store.listState(PREFIX);
        for (int i = 0; i < names.size() - maxObjects; i++) {
            store.deleteState(names.get(i));
        }
        if (names.size() > maxObjects) {
            LOG.info("deleted the " + (names.size() - maxObjects) + " oldest audit objects: at most " + maxObjects
                    + " are kept");
        }
    }

    private static Instant timeOf(String name) {
        try {
            return Instant.from(NAME_TIME.parse(name.substring(PREFIX.length(), PREFIX.length() + TIME_LENGTH)));
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            LOG.warning("not an audit object: " + name);
            return null;
        }
    }
}
