package dev.simplestreams.store;

import dev.simplestreams.config.ObjectStorage;
import dev.simplestreams.testing.CephRgw;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The store contract on a real Ceph RGW bucket, each test under a prefix of its own. */
class S3ImageStoreContractIT extends ImageStoreContract {

    private static final AtomicInteger STORES = new AtomicInteger();
    private static CephRgw rgw;
    private static String bucket;
    private String prefix;

    @BeforeAll
    static void bucket() {
        rgw = CephRgw.shared();
        bucket = rgw.createBucket("contract");
    }

    @Override
    ImageStore newStore() {
        prefix = "store-" + STORES.incrementAndGet() + "/";
        return new S3ImageStore(rgw.client(), rgw.presigner(), new ObjectStorage(rgw.endpoint(), CephRgw.REGION,
                bucket, prefix, true, null, Duration.ofMinutes(5), ObjectStorage.Election.OBJECT_STORE,
                ObjectStorage.DEFAULT_LEASE_NAME, Duration.ofSeconds(10), "contract"));
    }

    @Override
    void placeBehindItsBack(String path, byte[] content) {
        try (S3Client s3 = rgw.client()) {
            s3.putObject(r -> r.bucket(bucket).key(prefix + path), RequestBody.fromBytes(content));
        }
    }
}
