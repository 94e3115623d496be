package dev.simplestreams.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.simplestreams.testing.CapturedLog;
import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.Eventually;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes election, against a MOCK of the Kubernetes API (fabric8's kubernetes-server-mock in CRUD mode, on
 * 127.0.0.1): no real API server runs here. The mock stores the Lease and refuses stale updates as the API does, so
 * what is proven is the client side: one leader among three, release on close, takeover after a {@code kill -9}
 * of the leader's JVM, deposition when the Lease is taken away, a leader cut off from the API stepping down,
 * failures in the log, and requests that the shipped Role allows. Short timings (lease 2 s, renew deadline 1 s,
 * retry 200 ms) keep it to seconds. How many milliseconds a takeover takes is printed, not asserted: a busy
 * machine stretches it, and ReplicasIT holds the end-to-end bound on a real election.
 */
class KubernetesLeaseMockApiTest {

    private static final String LEASE = "simplestreams-indexer";
    private static final Duration LEASE_TIME = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofMillis(200);
    /** For a first election, which includes loading the client: not a timing under test. */
    private static final Duration STARTUP = Duration.ofSeconds(20);
    /** A second JVM starting and loading the client on a machine the whole suite shares. */
    private static final Duration JVM_STARTUP = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    private KubernetesMockServer api;
    /** Reads and writes the Lease as an operator would; created on first use. */
    private KubernetesClient admin;
    private final List<KubernetesLease> leases = new ArrayList<>();

    @BeforeEach
    void startApi() throws IOException {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopApi() {
        leases.forEach(KubernetesLease::close);
        if (admin != null) {
            admin.close();
        }
        api.destroy();
    }

    @Test
    void oneOfThreeLeadsAndTheOthersKnowWho() {
        List<Replica> replicas = List.of(replica("pod-a"), replica("pod-b"), replica("pod-c"));
        await("a leader", () -> leaders(replicas).size() == 1, STARTUP);
        Replica leader = leaders(replicas).get(0);
        await("every replica knows the leader", () -> replicas.stream()
                .allMatch(r -> r.lease.leader().equals(leader.identity)), STARTUP);
        assertEquals(leader.identity, holder());
        // It stays that way beyond the lease time: renewals keep the others out.
        awaitRenewalPastFirstLease();
        assertEquals(List.of(leader), leaders(replicas));
        assertEquals(List.of("elected"), List.copyOf(leader.events));
        for (Replica r : replicas) {
            if (r != leader) {
                assertTrue(r.events.isEmpty(), r.identity + " heard " + r.events);
            }
        }
    }

    @Test
    void closeReleasesTheLeaseAtOnce() {
        // A long lease, so that a takeover in seconds can only come from the release.
        Duration longLease = Duration.ofSeconds(30);
        Replica first = replica("pod-a", longLease);
        await("pod-a leads", first.lease::isLeader, STARTUP);
        Replica second = replica("pod-b", longLease);
        await("pod-b sees pod-a", () -> second.lease.leader().equals("pod-a"), STARTUP);

        long t0 = System.nanoTime();
        first.lease.close();
        // The elector releases as client-go does: the Lease expires now (its holder is left in place).
        Lease released = lease();
        assertEquals(1, released.getSpec().getLeaseDurationSeconds(), "released when close() returns");
        assertFalse(first.lease.isLeader());
        assertEquals(List.of("elected", "deposed"), List.copyOf(first.events));
        // Well under the 30 s lease, so only the release can explain it.
        await("pod-b takes over", second.lease::isLeader, longLease.dividedBy(2));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("pod-b", holder());
        assertEquals(List.of("elected"), List.copyOf(second.events));
        System.out.printf("[coordination] takeover after close: %d ms (lease %d ms)%n", millis, longLease.toMillis());
    }

    @Test
    void aKilledLeaderIsReplaced() throws Exception {
        Path log = temp.resolve("pod-a.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process killed = Cli.create().start(log, java, "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"),
                LeaseHolderProcess.class.getName(), api.url("/"), "test", LEASE, "pod-a",
                String.valueOf(LEASE_TIME.toMillis()), String.valueOf(RENEW.toMillis()),
                String.valueOf(RETRY.toMillis()));
        try {
            await("pod-a (its own JVM) leads", () -> Cli.tail(log, 4000).contains("elected"), JVM_STARTUP);
            Replica survivor = replica("pod-b");
            await("pod-b sees pod-a", () -> survivor.lease.leader().equals("pod-a"), STARTUP);
            awaitRenewalPastFirstLease();
            assertFalse(survivor.lease.isLeader(), "pod-a renews its lease while it lives");

            killed.destroyForcibly();
            long t0 = System.nanoTime();
            assertTrue(killed.waitFor(5, TimeUnit.SECONDS));
            assertEquals("pod-a", holder(), "a killed leader releases nothing");
            await("pod-b takes over", survivor.lease::isLeader, STARTUP);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("pod-b", holder());
            assertEquals(List.of("elected"), List.copyOf(survivor.events));
            System.out.printf("[coordination] takeover after kill -9: %d ms (lease %d ms)%n", millis,
                    LEASE_TIME.toMillis());
        } finally {
            killed.destroyForcibly();
        }
    }

    @Test
    void aLeaderWhoseLeaseIsTakenIsDeposed() {
        Replica leader = replica("pod-a");
        await("pod-a leads", leader.lease::isLeader, STARTUP);

        // Someone else writes the Lease (an operator, or a replica that saw it expire during a pause).
        long t0 = 0;
        for (boolean written = false; !written; ) {
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            Lease taken = new LeaseBuilder(lease())
                    .editSpec().withHolderIdentity("intruder").withRenewTime(now).withAcquireTime(now)
                    .withLeaseDurationSeconds(600).endSpec().build();
            t0 = System.nanoTime();
            try {
                client().resources(Lease.class).resource(taken).update();
                written = true;
            } catch (KubernetesClientException e) {
                // pod-a renewed between the read and the write: the API refuses the stale write, as it should.
                assertEquals(409, e.getCode(), e::getMessage);
            }
        }

        // The intruder holds it for 10 minutes: only pod-a's next renewal noticing it can depose pod-a in time.
        await("pod-a is deposed", () -> !leader.lease.isLeader(), STARTUP);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        // isLeader() turns false first, then the listener hears it.
        await("pod-a's listener hears it", () -> leader.events.size() == 2, STARTUP);
        assertEquals(List.of("elected", "deposed"), List.copyOf(leader.events));
        assertEquals("intruder", leader.lease.leader());
        assertEquals("intruder", holder(), "pod-a does not take back a Lease that is held");
        System.out.printf("[coordination] deposed %d ms after the Lease was taken%n", millis);
    }

    /**
     * Every request an election makes (create, renew, take over, release) is one the Role in kubernetes/scale-out
     * grants: a merge patch needs {@code patch}, and only {@code create} goes without the Lease's name.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theElectionNeedsNoMoreThanTheShippedRoleGrants() throws Exception {
        Replica first = replica("pod-a");
        await("pod-a leads", first.lease::isLeader, STARTUP);
        Replica second = replica("pod-b");
        await("pod-b has read the Lease", () -> second.lease.leader().equals("pod-a"), STARTUP);
        first.lease.close();
        await("pod-b takes over", second.lease::isLeader, STARTUP);

        Map<String, Set<String>> granted = new HashMap<>();
        String rbac = Files.readString(Path.of("kubernetes/scale-out/rbac.yaml"));
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rbac)) {
            Map<String, Object> object = (Map<String, Object>) doc;
            if ("Role".equals(object.get("kind"))) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) object.get("rules")) {
                    for (Object name : (List<Object>) rule.getOrDefault("resourceNames", List.of("*"))) {
                        granted.computeIfAbsent((String) name, n -> new TreeSet<>())
                                .addAll((List<String>) rule.get("verbs"));
                    }
                }
            }
        }
        Map<String, String> verbs = Map.of("GET", "get", "POST", "create", "PUT", "update", "PATCH", "patch");
        String leases = "/apis/coordination.k8s.io/v1/namespaces/test/leases";
        Set<String> used = new TreeSet<>();
        for (RecordedRequest r = api.takeRequest(0, TimeUnit.SECONDS); r != null;
                r = api.takeRequest(0, TimeUnit.SECONDS)) {
            String path = r.getPath().replaceAll("\\?.*", "");
            String verb = verbs.get(r.getMethod());
            String name = path.equals(leases) ? "*" : path.replace(leases + "/", "");
            assertTrue(path.equals(leases) || path.equals(leases + "/" + LEASE), "outside the Lease: " + path);
            assertTrue(granted.getOrDefault(name, Set.of()).contains(verb)
                    || granted.getOrDefault("*", Set.of()).contains(verb), r.getMethod() + " " + path + " not granted");
            used.add(verb);
        }
        assertTrue(used.containsAll(Set.of("get", "create", "patch")), "the election made " + used);
    }

    /**
     * A leader cut off from the API server steps down once its renew deadline passes, before its lease can run out
     * and another replica take over: requests fail fast instead of being retried by the client for a minute.
     */
    @Test
    void aLeaderCutOffFromTheApiStepsDownBeforeItsLeaseRunsOut() {
        Replica leader = replica("pod-a");
        await("pod-a leads", leader.lease::isLeader, STARTUP);
        long t0 = System.nanoTime();
        api.destroy();
        await("pod-a steps down", () -> !leader.lease.isLeader(), STARTUP);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        await("pod-a's listener hears it", () -> leader.events.size() == 2, STARTUP);
        assertEquals(List.of("elected", "deposed"), List.copyOf(leader.events));
        System.out.printf("[coordination] stepped down %d ms after losing the API server (renew deadline %d ms)%n",
                millis, RENEW.toMillis());
    }

    /** An API server out of reach (or a Role that refuses) is reported in the server's log, naming the Lease. */
    @Test
    void aFailingApiIsLoggedNamingTheLease() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Config unreachable = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + closedPort)
                .withNamespace("test").build();
        try (CapturedLog log = CapturedLog.of("io.fabric8.kubernetes.client.extended.leaderelection")) {
            KubernetesLease lease = new KubernetesLease(unreachable, LEASE, "pod-a", LEASE_TIME, RENEW, RETRY);
            leases.add(lease);
            lease.start(new Leadership.Listener() {
                @Override
                public void elected() {
                    fail("elected without an API server");
                }

                @Override
                public void deposed() {
                    fail("deposed without having led");
                }
            });
            // A warning on each try, with the failed request attached.
            Eventually.await("a warning in the log", STARTUP, log::records, records -> records.stream()
                    .anyMatch(r -> r.getLevel() == Level.WARNING
                            && new SimpleFormatter().formatMessage(r).contains("test - " + LEASE + " (pod-a)")
                            && r.getThrown() != null));
            assertFalse(lease.isLeader());
        }
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        IllegalArgumentException timing = assertThrows(IllegalArgumentException.class, () -> new KubernetesLease(
                api(), LEASE, "pod-a", Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(2)));
        assertTrue(timing.getMessage().contains("renew deadline (15000 ms) < lease duration (10000 ms)"),
                timing::getMessage);
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> new KubernetesLease(
                api(), "Indexer_Lease", "pod-a", LEASE_TIME, RENEW, RETRY));
        assertTrue(name.getMessage().contains("'Indexer_Lease' is not a Kubernetes object name"), name::getMessage);
        assertThrows(IllegalArgumentException.class, () -> new KubernetesLease(
                api(), LEASE, " ", LEASE_TIME, RENEW, RETRY));

        Config noNamespace = new ConfigBuilder(Config.empty()).withMasterUrl(api.url("/")).build();
        IllegalArgumentException namespace = assertThrows(IllegalArgumentException.class, () -> new KubernetesLease(
                noNamespace, LEASE, "pod-a", LEASE_TIME, RENEW, RETRY));
        assertTrue(namespace.getMessage().contains("automountServiceAccountToken"), namespace::getMessage);
    }

    /** One replica: its own client (as a pod has), its lease started, and what its listener heard. */
    private record Replica(String identity, KubernetesLease lease, Queue<String> events) {
    }

    private Replica replica(String identity) {
        return replica(identity, LEASE_TIME);
    }

    private Replica replica(String identity, Duration leaseTime) {
        Queue<String> events = new ConcurrentLinkedQueue<>();
        KubernetesLease lease = new KubernetesLease(api(), LEASE, identity, leaseTime, RENEW, RETRY);
        leases.add(lease);
        lease.start(new Leadership.Listener() {
            @Override
            public void elected() {
                events.add("elected");
            }

            @Override
            public void deposed() {
                events.add("deposed");
            }
        });
        return new Replica(identity, lease, events);
    }

    /** What a pod's service account gives: the API server and the namespace. */
    private Config api() {
        return new ConfigBuilder(Config.empty()).withMasterUrl(api.url("/")).withNamespace("test").build();
    }

    private KubernetesClient client() {
        if (admin == null) {
            admin = api.createClient();
        }
        return admin;
    }

    private static List<Replica> leaders(List<Replica> replicas) {
        return replicas.stream().filter(r -> r.lease.isLeader()).toList();
    }

    /** The Lease's holder as the API stores it; empty when released. */
    private String holder() {
        String holder = lease().getSpec().getHolderIdentity();
        return holder == null ? "" : holder;
    }

    private Lease lease() {
        return client().resources(Lease.class).withName(LEASE).get();
    }

    private static void await(String what, Eventually.Condition done, Duration limit) {
        Eventually.until(what, limit, done);
    }

    /** Waits until the holder has renewed the Lease beyond the time its first term would have run out. */
    private void awaitRenewalPastFirstLease() {
        ZonedDateTime firstTermEnd = lease().getSpec().getRenewTime().plus(LEASE_TIME);
        await("a renewal after the first term", () -> lease().getSpec().getRenewTime().isAfter(firstTermEnd), STARTUP);
    }
}
