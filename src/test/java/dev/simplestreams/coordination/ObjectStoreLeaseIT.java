package dev.simplestreams.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.config.ObjectStorage;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.S3ImageStore;
import dev.simplestreams.testing.CephRgw;
import dev.simplestreams.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The object-store lease on a real Ceph RGW: of three replicas exactly one leads at every moment sampled,
 * a replica that closes hands over at once, and the others agree on who leads.
 */
class ObjectStoreLeaseIT {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void exactlyOneOfThreeLeadsAndAClosedLeaderHandsOver() throws Exception {
        CephRgw rgw = CephRgw.shared();
        String bucket = rgw.createBucket("lease");
        List<ObjectStoreLease> replicas = new ArrayList<>();
        List<ImageStore> stores = new ArrayList<>();
        try {
            for (String id : List.of("r1", "r2", "r3")) {
                ImageStore store = bucketStore(rgw, bucket, id);
                stores.add(store);
                ObjectStoreLease lease = ObjectStoreLease.on(store, id, LEASE);
                lease.start(new Leadership.Listener() {
                    @Override
                    public void elected() {
                    }

                    @Override
                    public void deposed() {
                    }
                });
                replicas.add(lease);
            }
            ObjectStoreLease leader = awaitSingleLeader(replicas, Duration.ofSeconds(10));
            for (int i = 0; i < 20; i++) {
                assertEquals(1, replicas.stream().filter(ObjectStoreLease::isLeader).count(), "one leader at a time");
                Thread.sleep(150);
            }
            for (ObjectStoreLease replica : replicas) {
                assertEquals(leader.leader(), replica.leader(), "every replica knows who leads");
            }

            long released = System.nanoTime();
            leader.close();
            replicas.remove(leader);
            awaitSingleLeader(replicas, LEASE);
            long handover = (System.nanoTime() - released) / 1_000_000;
            System.out.printf("a closed leader was replaced after %d ms (lease %d s)%n", handover, LEASE.toSeconds());
            assertTrue(handover < LEASE.toMillis(), "a released lease is taken without waiting it out: " + handover);
        } finally {
            replicas.forEach(ObjectStoreLease::close);
            for (ImageStore store : stores) {
                ((S3ImageStore) store).close();
            }
        }
    }

    private static ImageStore bucketStore(CephRgw rgw, String bucket, String id) {
        return S3ImageStore.connect(new ObjectStorage(rgw.endpoint(), CephRgw.REGION, bucket, "", true, null,
                Duration.ofMinutes(5), ObjectStorage.Election.OBJECT_STORE, ObjectStorage.DEFAULT_LEASE_NAME, LEASE, id), rgw.credentials());
    }

    private static ObjectStoreLease awaitSingleLeader(List<ObjectStoreLease> replicas, Duration limit) {
        return Eventually.await("a single leader", limit,
                () -> replicas.stream().filter(ObjectStoreLease::isLeader).toList(), leading -> leading.size() == 1)
                .get(0);
    }
}
