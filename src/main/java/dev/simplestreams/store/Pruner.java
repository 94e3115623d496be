package dev.simplestreams.store;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.simplestreams.catalog.VersionKey;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes the files of versions retention took out of the catalogue, but only after a grace period: LXD
 * and Incus daemons cache a catalogue for an hour and must still be able to download what it lists. The
 * moment each version left the catalogue is kept in the store's state, so a restart does not reset it.
 * The indexer keeps one for the versions KEEP_VERSIONS retires, the mirror one of its own, under another state
 * name, for versions its upstreams dropped.
 */
public final class Pruner {

    private static final Logger LOG = Logger.getLogger(Pruner.class.getName());

    private final ImageStore store;
    private final Duration grace;
    private final String stateName;
    private final String why;
    private final Deletions deletions;
    private final Map<String, Long> retiredAt = new TreeMap<>();

    /** Told of each version directory deleted (the audit trail records it). */
    @FunctionalInterface
    public interface Deletions {
        void deleted(String directory, String why) throws IOException;
    }

    /**
     * {@code stateName} names its list in the store's state; {@code why} says in the log and to {@code deletions}
     * why versions retired.
     */
    public Pruner(ImageStore store, Duration grace, String stateName, String why, Deletions deletions) {
        this.store = store;
        this.deletions = deletions;
        this.grace = grace;
        this.stateName = stateName;
        this.why = why;
        try {
            Optional<byte[]> saved = store.readState(stateName);
            if (saved.isPresent()) {
                retiredAt.putAll(JSON.readValue(saved.get(), new TypeReference<Map<String, Long>>() { }));
            }
        } catch (IOException e) {
            LOG.warning("retired-version list unreadable, starting a new grace period for all: " + e.getMessage());
        }
    }

    /** When each retired version's files will be deleted. */
    public synchronized Map<String, Instant> schedule() {
        Map<String, Instant> schedule = new TreeMap<>();
        retiredAt.forEach((dir, at) -> schedule.put(dir, Instant.ofEpochMilli(at).plus(grace)));
        return schedule;
    }

    /**
     * Records the versions the catalogue just left out and deletes those whose grace period is over. Call only
     * after a catalogue was built and published: a failed pass must never delete anything.
     */
    public synchronized void apply(Collection<VersionKey> retired, Instant now) throws IOException {
        Set<String> current = new HashSet<>();
        retired.forEach(key -> current.add(key.directory()));
        boolean changed = retiredAt.keySet().retainAll(current);
        for (String dir : current) {
            changed |= retiredAt.putIfAbsent(dir, now.toEpochMilli()) == null;
        }
        for (String dir : Set.copyOf(retiredAt.keySet())) {
            if (Instant.ofEpochMilli(retiredAt.get(dir)).plus(grace).isAfter(now)) {
                continue;
            }
            try {
                store.delete(dir);
                LOG.info("deleted " + dir + ": " + why + " since more than " + grace);
                deletions.deleted(dir, why + " since more than " + grace);
            } catch (UnsafePathException e) {
                LOG.log(Level.WARNING, "not deleting " + dir + ": " + e.getMessage());
            }
            retiredAt.remove(dir);
            changed = true;
        }
        if (changed) {
            store.writeState(stateName, JSON.writeValueAsBytes(retiredAt));
        }
    }
}
