package dev.simplestreams.coordination;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The election inside Kubernetes: a coordination.k8s.io Lease in the pod's own namespace, held by the pod that
 * renews it, through the Kubernetes client's LeaderElector (the same protocol as client-go's). A leader that cannot
 * renew within {@code renewDeadline} steps down before its lease runs out, so another pod takes over only after it
 * stopped; a pod that dies without releasing is replaced once {@code leaseDuration} has passed since its last
 * renewal. A deposed pod keeps taking part and may lead again later.
 */
public final class KubernetesLease implements Leadership {

    private static final Logger LOG = Logger.getLogger(KubernetesLease.class.getName());
    /** A Lease's name is a DNS subdomain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private final KubernetesClient client;
    private final LeaderElectionConfig config;
    private final String identity;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final Object lock = new Object();
    private volatile String leader = "";
    private Listener listener;
    private CompletableFuture<?> running;
    private boolean closed;

    /**
     * In a pod: the API server, the token and the namespace come from the pod's service account (its
     * automounted token must be enabled, and its Role must allow create, get, update and patch on leases).
     * {@code identity} names this replica in the Lease: the pod's name (HOSTNAME).
     */
    public KubernetesLease(String leaseName, String identity, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod) {
        this(Config.autoConfigure(null), leaseName, identity, leaseDuration, renewDeadline, retryPeriod);
    }

    /** On the API server and namespace {@code api} names; its timeouts are set for the election. */
    KubernetesLease(Config api, String leaseName, String identity, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod) {
        String namespace = api.getNamespace();
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("no Kubernetes namespace: the pod's service account token is not"
                    + " mounted (set automountServiceAccountToken: true on the pod)");
        }
        if (leaseName == null || !NAME.matcher(leaseName).matches()) {
            throw new IllegalArgumentException("lease name '" + leaseName + "' is not a Kubernetes object name:"
                    + " lower-case letters, digits, '-' and '.', at most 253 characters");
        }
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("no identity for the lease: HOSTNAME (the pod's name) is empty");
        }
        if (retryPeriod.isNegative() || retryPeriod.isZero() || retryPeriod.compareTo(renewDeadline) >= 0
                || renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("lease timing must be 0 < retry period (" + retryPeriod.toMillis()
                    + " ms) < renew deadline (" + renewDeadline.toMillis() + " ms) < lease duration ("
                    + leaseDuration.toMillis() + " ms), so a leader steps down before its lease can be taken");
        }
        // The elector retries on its own schedule and steps down when renewing takes longer than the renew
        // deadline; the client's own retries (with backoff, a minute and more) would keep a leader that cannot
        // reach the API server believing it leads long after others took over.
        int timeout = (int) Math.max(1, renewDeadline.dividedBy(2).toMillis());
        api.setRequestRetryBackoffLimit(0);
        api.setRequestTimeout(timeout);
        api.setConnectionTimeout(timeout);
        this.client = new KubernetesClientBuilder().withConfig(api).build();
        this.identity = identity;
        this.config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(retryPeriod)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::observed))
                .build();
    }

    @Override
    public void start(Listener listener) {
        synchronized (lock) {
            if (this.listener != null || closed) {
                throw new IllegalStateException("a lease takes part in one election, once");
            }
            this.listener = listener;
            join();
        }
    }

    @Override
    public boolean isLeader() {
        return leading.get();
    }

    @Override
    public String leader() {
        return leader;
    }

    /** Releases the Lease if this replica holds it (the others need not wait for it to expire), then stops. */
    @Override
    public void close() {
        CompletableFuture<?> last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            last = running;
        }
        try {
            if (last != null) {
                // Cancelling runs the elector's release and its stop callback in this thread, before returning.
                last.cancel(true);
            }
        } finally {
            client.close();
        }
    }

    private void join() {
        running = client.leaderElector().withConfig(config).build().start();
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.info(() -> "leading: holds the Lease " + config.getName() + " as " + identity);
            listener.elected();
        }
    }

    /**
     * The elector reports a loss both when it sees another holder and when it gives up renewing; the listener
     * hears it once. An elector stops for good after a loss, so a new one takes part in the next round.
     */
    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            LOG.warning(() -> "deposed: no longer holds the Lease " + config.getName() + " as " + identity
                    + "; the leader is now '" + leader + "'");
            listener.deposed();
        }
        synchronized (lock) {
            if (!closed) {
                running.cancel(true);
                join();
            }
        }
    }

    private void observed(String holder) {
        leader = holder == null ? "" : holder;
    }
}
