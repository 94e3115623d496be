package dev.simplestreams.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * kubernetes/scale-out/ (several replicas on one S3 bucket) is valid against the Kubernetes schema, file by file and as
 * {@code kubectl apply -k} renders it, and holds together: a rolling update that never drops below the replica count,
 * the single-replica Deployment's probes and security, no volume claim, the bucket's settings and credentials reaching
 * the pods, and RBAC that lets the pods' own ServiceAccount keep the one Lease the Deployment names. It is not run
 * with {@code podman kube play} as the single-replica variant is: its pods need a bucket and a Kubernetes API, which
 * podman provides neither of; the replicas' behaviour on a real bucket is tested against Ceph RGW instead.
 */
class ScaleOutManifestSchemaIT {

    /** Read by the AWS SDK, not by the server's settings. */
    private static final Set<String> CREDENTIALS = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");

    @Test
    void everyFileIsValidOnItsOwnAndListed() throws IOException {
        List<Path> files = Manifests.resourceFiles(Manifests.SCALE_OUT);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(ManifestSchema.problems(ShippedImage.read(file), file.toString()));
        }
        assertEquals(List.of(), problems);
        assertEquals(Set.of(), Manifests.unlisted(Manifests.SCALE_OUT));
    }

    @Test
    void whatKubectlApplyKAppliesIsValidAndComplete() {
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SCALE_OUT);
        List<String> problems = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            problems.addAll(ManifestSchema.problems(doc, Manifests.kubectlAvailable() ? "kubectl kustomize" : "rendered"));
            kinds.add(doc.get("apiVersion") + "/" + doc.get("kind"));
        }
        assertEquals(List.of(), problems);
        assertEquals(List.of("apps/v1/Deployment", "networking.k8s.io/v1/Ingress", "policy/v1/PodDisruptionBudget",
                "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding", "v1/ConfigMap",
                "v1/Namespace", "v1/Secret", "v1/Secret", "v1/Service", "v1/ServiceAccount"),
                kinds.stream().sorted().toList(), "no PersistentVolumeClaim: the bucket holds the data");
    }

    /** Both variants take the Namespace, Service and Ingress from the base, and both render them the same. */
    @Test
    void theSharedObjectsAreTheSingleReplicaOnes() {
        List<Path> base = Manifests.resourceFiles(Manifests.BASE);
        assertTrue(Manifests.resourceFiles(Manifests.SCALE_OUT).containsAll(base));
        assertTrue(Manifests.resourceFiles(Manifests.SINGLE_SERVER).containsAll(base));
        List<Map<String, Object>> scaleOut = Manifests.rendered(Manifests.SCALE_OUT);
        List<Map<String, Object>> single = Manifests.rendered(Manifests.SINGLE_SERVER);
        for (String kind : List.of("Namespace", "Service", "Ingress")) {
            assertEquals(Manifests.only(single, kind), Manifests.only(scaleOut, kind), kind);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDeploymentRollsWithoutDowntimeAndKeepsTheSingleReplicaContract() {
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SCALE_OUT);
        Map<String, Object> deployment = Manifests.only(docs, "Deployment");
        Map<String, Object> spec = map(deployment, "spec");
        int replicas = (Integer) spec.get("replicas");
        assertTrue(replicas > 1, "replicas " + replicas);
        Map<String, Object> strategy = map(spec, "strategy");
        assertEquals("RollingUpdate", strategy.get("type"));
        assertEquals(0, map(strategy, "rollingUpdate").get("maxUnavailable"), "a new pod is ready before one stops");
        Map<String, Object> pdb = map(Manifests.only(docs, "PodDisruptionBudget"), "spec");
        assertEquals(1, pdb.get("maxUnavailable"));
        assertEquals(map(spec, "selector"), pdb.get("selector"), "the budget covers the Deployment's pods");

        // Probes, ports, resources and security as in the single-replica Deployment, which its own test ties to the
        // image; only what scale-out changes may differ.
        Map<String, Object> single = Manifests.only(Manifests.rendered(Manifests.SINGLE_SERVER), "Deployment");
        Map<String, Object> podSpec = map(map(spec, "template"), "spec");
        Map<String, Object> singlePodSpec = map(map(map(single, "spec"), "template"), "spec");
        assertEquals(singlePodSpec.get("securityContext"), podSpec.get("securityContext"));
        assertEquals(singlePodSpec.get("terminationGracePeriodSeconds"), podSpec.get("terminationGracePeriodSeconds"));
        Map<String, Object> container = Manifests.containers(deployment).get(0);
        Map<String, Object> singleContainer = Manifests.containers(single).get(0);
        for (String key : List.of("image", "ports", "startupProbe", "readinessProbe", "livenessProbe", "resources",
                "securityContext")) {
            assertEquals(singleContainer.get(key), container.get(key), key);
        }

        // No claim: every volume is pod-local and bounded.
        for (Map<String, Object> volume : (List<Map<String, Object>>) podSpec.get("volumes")) {
            assertEquals(Set.of("name", "emptyDir"), volume.keySet(), volume.toString());
            assertNotNull(map(volume, "emptyDir").get("sizeLimit"), volume.toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePodsGetTheBucketTheCredentialsAndTheLease() {
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SCALE_OUT);
        Map<String, Object> container = Manifests.containers(Manifests.only(docs, "Deployment")).get(0);
        Map<String, Map<String, Object>> fromRefs = new HashMap<>();
        for (Map<String, Object> ref : (List<Map<String, Object>>) container.get("envFrom")) {
            String kind = ref.containsKey("secretRef") ? "Secret" : "ConfigMap";
            String name = (String) map(ref, kind.equals("Secret") ? "secretRef" : "configMapRef").get("name");
            Map<String, Object> target = docs.stream()
                    .filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("envFrom names a missing " + kind + " " + name));
            fromRefs.put(kind + ":" + name.replaceAll("-[a-z0-9]{10}$", ""), map(target, "data"));
        }
        assertEquals(Set.of("S3_ENDPOINT", "S3_REGION", "S3_BUCKET", "S3_PREFIX", "S3_PATH_STYLE"),
                fromRefs.get("ConfigMap:simplestreams-s3").keySet());
        assertEquals(Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
                fromRefs.get("Secret:simplestreams-s3").keySet());
        assertEquals(Set.of("UPLOAD_USER", "UPLOAD_PASSWORD"), fromRefs.get("Secret:simplestreams-uploader").keySet());

        Map<String, String> env = env(container);
        assertEquals("kubernetes", env.get("LEADER_ELECTION"));
        String lease = env.get("LEASE_NAME");
        assertNotNull(lease);

        // The pods run as the ServiceAccount, with its token, and its Role lets them keep exactly that Lease.
        Map<String, Object> podSpec = map(map(map(Manifests.only(docs, "Deployment"), "spec"), "template"), "spec");
        String account = (String) map(Manifests.only(docs, "ServiceAccount"), "metadata").get("name");
        assertEquals(account, podSpec.get("serviceAccountName"));
        assertEquals(Boolean.TRUE, podSpec.get("automountServiceAccountToken"));
        Map<String, Object> binding = Manifests.only(docs, "RoleBinding");
        Map<String, Object> role = Manifests.only(docs, "Role");
        String namespace = (String) map(Manifests.only(docs, "Namespace"), "metadata").get("name");
        assertEquals(map(role, "metadata").get("name"), map(binding, "roleRef").get("name"));
        assertEquals(List.of(Map.of("kind", "ServiceAccount", "name", account, "namespace", namespace)),
                binding.get("subjects"), "bound to the pods' account in the kustomization's namespace");
        Set<String> named = new TreeSet<>();
        Set<String> any = new TreeSet<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
            assertEquals(List.of("coordination.k8s.io"), rule.get("apiGroups"), "the Role grants leases only");
            assertEquals(List.of("leases"), rule.get("resources"), "the Role grants leases only");
            List<String> names = (List<String>) rule.get("resourceNames");
            if (names == null) {
                any.addAll((List<String>) rule.get("verbs"));
            } else {
                assertEquals(List.of(lease), names, "the Role names the Deployment's LEASE_NAME");
                named.addAll((List<String>) rule.get("verbs"));
            }
        }
        assertEquals(Set.of("create"), any, "only create is granted on every lease (RBAC cannot name it)");
        assertEquals(Set.of("get", "update", "patch"), named);
    }

    /** Every setting the pods get is one the server reads; those the single-replica variant shares keep its values. */
    @Test
    @SuppressWarnings("unchecked")
    void thePodsGetOnlyRealSettings() {
        Set<String> known = new LinkedHashSet<>();
        Settings.from(name -> {
            known.add(name);
            return switch (name) {
                case "STORAGE" -> "s3";
                case "S3_BUCKET" -> "bucket";
                default -> null;
            };
        });
        Settings defaults = Settings.from(name -> null);
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SCALE_OUT);
        Map<String, Object> container = Manifests.containers(Manifests.only(docs, "Deployment")).get(0);
        Map<String, String> env = new HashMap<>(env(container));
        for (Map<String, Object> doc : docs) {
            if ("ConfigMap".equals(doc.get("kind")) || "Secret".equals(doc.get("kind"))) {
                ((Map<String, Object>) doc.get("data")).keySet().forEach(k -> env.put(k, "(from " + doc.get("kind") + ")"));
            }
        }
        Set<String> unknown = new TreeSet<>(env.keySet());
        unknown.removeAll(known);
        unknown.removeAll(CREDENTIALS);
        unknown.removeAll(Set.of("UPLOAD_USER", "UPLOAD_PASSWORD"));
        assertEquals(Set.of(), unknown, "settings the server does not read");
        assertEquals("s3", env.get("STORAGE"), "the replicas share a bucket");
        env.keySet().removeAll(CREDENTIALS);
        env.keySet().removeAll(Set.of("STORAGE", "LEADER_ELECTION", "LEASE_NAME"));
        env.keySet().removeIf(name -> name.startsWith("S3_"));
        env.keySet().removeAll(Set.of("UPLOAD_USER", "UPLOAD_PASSWORD"));
        assertEquals(defaults, Settings.from(env::get), "the shared settings are at the server's defaults");
    }

    @Test
    void aMistakeInTheRbacIsRejected() {
        String rbac = ShippedImage.read(Manifests.SCALE_OUT.resolve("rbac.yaml"));
        assertTrue(rbac.contains("resourceNames:"));
        List<String> misspelt = ManifestSchema.problems(rbac.replace("resourceNames:", "resourceName:"), "copy");
        assertTrue(String.join("\n", misspelt).contains("resourceName"), misspelt::toString);
        List<String> noRoleRef = ManifestSchema.problems(rbac.replace("roleRef:", "roleref:"), "copy");
        assertFalse(noRoleRef.isEmpty(), "a RoleBinding without roleRef was accepted");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertNotNull(value, key);
        return (Map<String, Object>) value;
    }
}
