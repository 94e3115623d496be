package dev.simplestreams.indexer;

import static dev.simplestreams.catalog.JsonMappers.TOLERANT_JSON;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * How an upload through a replica that does not index reaches the one that does: a small note in the store's
 * state naming the version directory and the hashes learnt while the bytes streamed in. The note is written
 * before the upload is acknowledged and removed only once a catalogue including it is published, so a leader
 * that dies in between leaves it for the next.
 */
final class ChangeNotes {

    private static final Logger LOG = Logger.getLogger(ChangeNotes.class.getName());
    private static final String PREFIX = "changes/";

    record Note(String directory, Map<String, HashCache.Entry> files) {
    }

    /** A note taken by the leader: the version to read again, and the name to remove once published. */
    record Taken(String name, VersionKey version) {
    }

    private final ImageStore store;

    ChangeNotes(ImageStore store) {
        this.store = store;
    }

    /** Returns the note's name, to learn when the leader has taken it. */
    String leave(VersionKey version, Map<String, HashCache.Entry> files) throws IOException {
        String name = PREFIX + System.currentTimeMillis() + "-" + UUID.randomUUID() + ".json";
        store.writeState(name, TOLERANT_JSON.writeValueAsBytes(new Note(version.directory(), files)));
        return name;
    }

    boolean isPending(String name) throws IOException {
        return store.readState(name).isPresent();
    }

    /** Every note waiting; their hashes go into {@code cache}, so the leader reads no file again. */
    List<Taken> take(HashCache cache) throws IOException {
        List<Taken> taken = new ArrayList<>();
        for (String name : store.listState(PREFIX)) {
            Optional<byte[]> content = store.readState(name);
            if (content.isEmpty()) {
                continue;
            }
            try {
                Note note = TOLERANT_JSON.readValue(content.get(), Note.class);
                note.files().forEach(cache::put);
                taken.add(new Taken(name, Layout.parseVersionDirectory(note.directory())));
            } catch (IOException | LayoutException e) {
                LOG.warning("ignoring unreadable change note " + name + ": " + e.getMessage()
                        + "; the next full rescan finds the upload anyway");
                store.deleteState(name);
            }
        }
        return taken;
    }

    void done(List<Taken> taken) throws IOException {
        for (Taken note : taken) {
            store.deleteState(note.name());
        }
    }
}
