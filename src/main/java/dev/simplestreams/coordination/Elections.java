package dev.simplestreams.coordination;

import dev.simplestreams.config.ObjectStorage;
import dev.simplestreams.store.ImageStore;

/** The one place that turns the settings into this replica's way of taking part in the election. */
public final class Elections {

    private Elections() {
    }

    /** {@code objectStorage} null: one server on a local data root, which always leads. */
    public static Leadership choose(ObjectStorage objectStorage, ImageStore store, String localIdentity) {
        if (objectStorage == null) {
            return new SingleServer(localIdentity);
        }
        return switch (objectStorage.election()) {
            case OBJECT_STORE -> ObjectStoreLease.on(store, objectStorage.replicaId(), objectStorage.leaseDuration());
            // The Kubernetes Lease (fabric8 LeaderElector) is wired in here.
            case KUBERNETES -> throw new IllegalArgumentException("LEADER_ELECTION=kubernetes is not available in "
                    + "this build; use LEADER_ELECTION=object-store");
        };
    }
}
