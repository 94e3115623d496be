package dev.simplestreams.coordination;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.time.Duration;

/**
 * A replica of its own, in a JVM the test can {@code kill -9}: takes part in the election on the API at
 * {@code args[0]} (namespace {@code args[1]}, Lease {@code args[2]}, identity {@code args[3]}, lease, renew and
 * retry times in milliseconds after that) and prints each change of its role on a line of its own.
 */
public final class LeaseHolderProcess {

    private LeaseHolderProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Config api = new ConfigBuilder(Config.empty()).withMasterUrl(args[0]).withNamespace(args[1]).build();
        KubernetesLease lease = new KubernetesLease(api, args[2], args[3], millis(args[4]), millis(args[5]),
                millis(args[6]));
        lease.start(new Leadership.Listener() {
            @Override
            public void elected() {
                System.out.println("elected");
            }

            @Override
            public void deposed() {
                System.out.println("deposed");
            }
        });
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Duration millis(String value) {
        return Duration.ofMillis(Long.parseLong(value));
    }
}
