package dev.simplestreams.coordination;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import dev.simplestreams.concurrent.DaemonThreads;
import dev.simplestreams.store.ConditionalState;
import dev.simplestreams.store.ImageStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leader election through the object store itself, for replicas outside Kubernetes: one lease document in
 * the bucket's state, changed only by compare-and-swap on the version read. The holder renews it every third
 * of the lease time; another replica takes it over once it has not been renewed for a whole lease time,
 * judged by when this replica saw it change (so the replicas' clocks need not agree). A holder that cannot
 * renew steps down before its lease could have expired elsewhere.
 */
public final class ObjectStoreLease implements Leadership {

    private static final Logger LOG = Logger.getLogger(ObjectStoreLease.class.getName());
    static final String NAME = "leader-lease.json";

    /** What the lease document holds; {@code term} grows with every change of holder. */
    record Lease(String holder, long term, long renewedMillis) {
    }

    private final ConditionalState state;
    private final String identity;
    private final Duration duration;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private Listener listener;
    private volatile boolean leader;
    private volatile String knownHolder = "";
    private String seenTag;
    private long seenAtMillis;
    private long lastRenewedMillis;

    public ObjectStoreLease(ConditionalState state, String identity, Duration duration, Clock clock) {
        this.state = state;
        this.identity = identity;
        this.duration = duration;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lease"));
    }

    /** The store's own compare-and-swap; only stores shared by replicas have one. */
    public static ObjectStoreLease on(ImageStore store, String identity, Duration duration) {
        if (!(store instanceof ConditionalState state)) {
            throw new IllegalArgumentException("LEADER_ELECTION=object-store needs STORAGE=s3: a local data root "
                    + "has one server, which always leads");
        }
        return new ObjectStoreLease(state, identity, duration, Clock.systemUTC());
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        long period = Math.max(200, duration.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::round, 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public String leader() {
        return knownHolder;
    }

    /** Releases the lease by backdating it, so a successor need not wait out the lease time. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leader) {
            setLeader(false);
            try {
                Optional<ImageStore.Tagged> current = state.readTagged(NAME);
                if (current.isPresent() && read(current.get()).holder().equals(identity)) {
                    state.swap(NAME, JSON.writeValueAsBytes(new Lease("", read(current.get()).term(), 0)),
                            current.get().tag());
                }
            } catch (IOException e) {
                LOG.fine(() -> "releasing the lease: " + e);
            }
        }
    }

    /** One attempt to hold or take the lease; runs on the timer thread only. */
    void round() {
        try {
            long now = clock.millis();
            Optional<ImageStore.Tagged> current = state.readTagged(NAME);
            if (current.isEmpty()) {
                acquire(null, 1, now);
                return;
            }
            Lease lease = read(current.get());
            String tag = current.get().tag();
            if (!tag.equals(seenTag)) {
                seenTag = tag;
                seenAtMillis = now;
            }
            knownHolder = lease.holder();
            if (lease.holder().equals(identity)) {
                acquire(tag, lease.term(), now);
            } else if (lease.holder().isEmpty() || now - seenAtMillis >= duration.toMillis()) {
                acquire(tag, lease.term() + 1, now);
            } else if (leader) {
                LOG.warning("lease taken over by " + lease.holder() + "; this replica stops indexing");
                setLeader(false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "lease round failed: " + e.getMessage());
            stepDownIfExpiring();
        }
    }

    private void acquire(String expectedTag, long term, long now) throws IOException {
        byte[] content = JSON.writeValueAsBytes(new Lease(identity, term, now));
        Optional<String> written = state.swap(NAME, content, expectedTag);
        if (written.isPresent()) {
            seenTag = written.get();
            seenAtMillis = now;
            lastRenewedMillis = now;
            knownHolder = identity;
            if (!leader) {
                LOG.info("this replica (" + identity + ") now leads (term " + term + ")");
                setLeader(true);
            }
        } else {
            // Another replica wrote first; the next round reads who.
            stepDownIfExpiring();
        }
    }

    /** Others may take over a whole lease time after our last renewal; stop well before that. */
    private void stepDownIfExpiring() {
        if (leader && clock.millis() - lastRenewedMillis >= duration.toMillis() * 2 / 3) {
            LOG.warning("could not renew the lease; this replica stops indexing");
            setLeader(false);
        }
    }

    private void setLeader(boolean value) {
        leader = value;
        if (value) {
            listener.elected();
        } else {
            listener.deposed();
        }
    }

    private static Lease read(ImageStore.Tagged tagged) throws IOException {
        return JSON.readValue(tagged.content(), Lease.class);
    }
}
