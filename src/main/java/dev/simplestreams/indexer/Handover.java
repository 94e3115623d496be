package dev.simplestreams.indexer;

import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.store.HashCache;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Uploads through a replica that does not index, handed to the one that does through {@link ChangeNotes}.
 * On the uploader's side each note left has a future, completed by the index thread once the note is gone
 * (the leader removes it only after publishing a catalog that includes it), so any number of uploads wait
 * on one look at the store. On the leader's side, the notes taken and not yet published.
 */
final class Handover {

    private static final Logger LOG = Logger.getLogger(Handover.class.getName());

    private final ChangeNotes notes;
    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    /** Notes taken by this server as leader and not yet published, by name; the index thread's alone. */
    private final Map<String, ChangeNotes.Taken> held = new LinkedHashMap<>();

    Handover(ChangeNotes notes) {
        this.notes = notes;
    }

    /** Leaves a note for the leader; returns its name, to {@link #await} it. */
    String leave(VersionKey version, Map<String, HashCache.Entry> files) throws IOException {
        String name = notes.leave(version, files);
        waiting.put(name, new CompletableFuture<>());
        return name;
    }

    /** Waits until the note's version is published, at most {@code patience}; false if it was not in time. */
    boolean await(String note, Duration patience) {
        try {
            waiting.get(note).get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a hand-over is only ever completed normally", e);
        } finally {
            waiting.remove(note);
        }
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    /** As a follower: completes the waits whose notes the leader has published and removed. */
    void lookForPublished() {
        for (Map.Entry<String, CompletableFuture<Void>> wait : waiting.entrySet()) {
            try {
                if (!notes.isPending(wait.getKey())) {
                    wait.getValue().complete(null);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "looking for change note " + wait.getKey() + " failed: " + e.getMessage());
            }
        }
    }

    /** As the leader: takes the notes waiting in the store; their hashes go into {@code cache}. */
    void take(HashCache cache, ChangeQueue queue) {
        try {
            for (ChangeNotes.Taken note : notes.take(cache)) {
                if (held.putIfAbsent(note.name(), note) == null) {
                    queue.completeFilesArrived();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "reading change notes failed: " + e.getMessage());
        }
    }

    boolean holdsNotes() {
        return !held.isEmpty();
    }

    /** The notes taken, for a pass to publish. */
    List<ChangeNotes.Taken> held() {
        return new ArrayList<>(held.values());
    }

    static Set<VersionKey> versions(List<ChangeNotes.Taken> taken) {
        return taken.stream().map(ChangeNotes.Taken::version).collect(Collectors.toCollection(
                LinkedHashSet::new));
    }

    /** The catalog just published includes these notes' versions: their uploaders may stop waiting. */
    void published(List<ChangeNotes.Taken> published) {
        if (published.isEmpty()) {
            return;
        }
        try {
            notes.done(published);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing change notes failed: " + e.getMessage() + "; they are read again");
        } finally {
            for (ChangeNotes.Taken note : published) {
                held.remove(note.name());
                CompletableFuture<Void> local = waiting.get(note.name());
                if (local != null) {
                    local.complete(null);
                }
            }
        }
    }

    /** A new term: what an earlier one took is taken again from the store. */
    void forgetHeld() {
        held.clear();
    }
}
