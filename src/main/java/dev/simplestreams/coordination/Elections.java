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
            // client-go's proportions (15 s lease, 10 s renew deadline, 2-3 s between tries) from one setting.
            case KUBERNETES -> new KubernetesLease(objectStorage.leaseName(), objectStorage.replicaId(),
                    objectStorage.leaseDuration(), objectStorage.leaseDuration().multipliedBy(2).dividedBy(3),
                    objectStorage.leaseDuration().dividedBy(5));
        };
    }
}
