package dev.simplestreams.mirror;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Which version directories the mirror wrote, and for which remote: the only ones it may ever replace or
 * prune. Kept in the store's state (not in the served tree), written after each change.
 */
final class MirrorState {

    private static final Logger LOG = Logger.getLogger(MirrorState.class.getName());
    private static final String STATE_NAME = "mirror.json";

    private final ImageStore store;
    /** Version directory -> remote name. */
    private final Map<String, String> owners = new TreeMap<>();

    MirrorState(ImageStore store) {
        this.store = store;
        try {
            Optional<byte[]> saved = store.readState(STATE_NAME);
            if (saved.isPresent()) {
                owners.putAll(JSON.readValue(saved.get(), new TypeReference<Map<String, String>>() { }));
            }
        } catch (IOException e) {
            // Forgetting ownership is safe: nothing is pruned, and a product seen as local is left alone.
            LOG.warning("mirror ownership list unreadable, starting empty: " + e.getMessage());
        }
    }

    synchronized String owner(String versionDirectory) {
        return owners.get(versionDirectory);
    }

    synchronized Set<String> ownedBy(String remote) {
        Set<String> dirs = new TreeSet<>();
        owners.forEach((dir, owner) -> {
            if (owner.equals(remote)) {
                dirs.add(dir);
            }
        });
        return dirs;
    }

    synchronized void own(String versionDirectory, String remote) throws IOException {
        if (!remote.equals(owners.put(versionDirectory, remote))) {
            save();
        }
    }

    synchronized void release(String versionDirectory) throws IOException {
        if (owners.remove(versionDirectory) != null) {
            save();
        }
    }

    private void save() throws IOException {
        store.writeState(STATE_NAME, JSON.writeValueAsBytes(owners));
    }
}
