package dev.simplestreams.delta;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * What generation remembers across restarts, in the store's state: the inputs of each delta it made (so a
 * delta whose base or target was replaced is made again) and each pair it gave up on and why (so a pair that
 * fails, or would not save enough, is not tried again until one of its files changes). Keyed by delta path.
 */
final class DeltaRecords {

    private static final Logger LOG = Logger.getLogger(DeltaRecords.class.getName());
    private static final String STATE_NAME = "deltas.json";

    /** The sha256 of the base and the target a delta was made from (or tried from). */
    record Inputs(String base, String target) {

        static Inputs of(DeltaJob job) {
            return new Inputs(job.base().sha256(), job.target().sha256());
        }
    }

    /** A pair given up on: its inputs, why, and when (ISO-8601). */
    record Refusal(Inputs inputs, String reason, String at) {
    }

    record State(Map<String, Inputs> made, Map<String, Refusal> refused) {
    }

    private final ImageStore store;
    private final Map<String, Inputs> made = new TreeMap<>();
    private final Map<String, Refusal> refused = new TreeMap<>();

    DeltaRecords(ImageStore store) {
        this.store = store;
        try {
            Optional<byte[]> saved = store.readState(STATE_NAME);
            if (saved.isPresent()) {
                State state = JSON.readValue(saved.get(), State.class);
                made.putAll(state.made());
                refused.putAll(state.refused());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("delta records unreadable, pairs that failed before are tried once more: " + e.getMessage());
        }
    }

    synchronized Optional<Inputs> made(String path) {
        return Optional.ofNullable(made.get(path));
    }

    /** The refusal of this very pair, if its files are still the ones that were refused. */
    synchronized Optional<Refusal> refusal(DeltaJob job) {
        Refusal refusal = refused.get(job.path());
        return refusal != null && refusal.inputs().equals(Inputs.of(job)) ? Optional.of(refusal) : Optional.empty();
    }

    synchronized Map<String, Refusal> refusals() {
        return Map.copyOf(refused);
    }

    synchronized void recordMade(DeltaJob job) throws IOException {
        made.put(job.path(), Inputs.of(job));
        refused.remove(job.path());
        save();
    }

    synchronized void recordRefused(DeltaJob job, String reason, String at) throws IOException {
        refused.put(job.path(), new Refusal(Inputs.of(job), reason, at));
        save();
    }

    /** Forgets deltas that are gone (deleted with their version, or as orphans). */
    synchronized void forget(String path) throws IOException {
        boolean wasMade = made.remove(path) != null;
        boolean wasRefused = refused.remove(path) != null;
        if (wasMade || wasRefused) {
            save();
        }
    }

    /** Forgets what it knows of deltas in directories that are no longer published versions. */
    synchronized void retainDirectories(Set<String> versionDirectories) throws IOException {
        Predicate<String> gone = path -> !versionDirectories.contains(path.substring(0, path.lastIndexOf('/')));
        boolean madeGone = made.keySet().removeIf(gone);
        boolean refusedGone = refused.keySet().removeIf(gone);
        if (madeGone || refusedGone) {
            save();
        }
    }

    private void save() throws IOException {
        store.writeState(STATE_NAME, JSON.writeValueAsBytes(new State(made, refused)));
    }
}
