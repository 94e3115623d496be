package dev.simplestreams.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubernetes/single-server/ (with the base it shares) is valid against the Kubernetes schema, file by file and as {@code kubectl apply -k} renders it,
 * strictly (unknown fields, missing required fields, wrong types and removed API versions fail), and says what the
 * image and the server expect: the port, the health endpoints, the data volume, the user, every setting's name.
 * Deliberate mistakes in copies prove that the checks catch them.
 */
class ManifestSchemaIT {

    @TempDir
    Path temp;

    @Test
    void everyManifestFileIsValidOnItsOwn() {
        List<Path> files = Manifests.resourceFiles(Manifests.SINGLE_SERVER);
        assertFalse(files.isEmpty());
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(ManifestSchema.problems(ShippedImage.read(file), file.toString()));
        }
        assertEquals(List.of(), problems);
        // Every YAML in the overlay and the base is either listed as a resource or is the kustomization itself.
        assertEquals(Set.of(), Manifests.unlisted(Manifests.SINGLE_SERVER));
        assertEquals(Set.of(), Manifests.unlisted(Manifests.BASE));
    }

    @Test
    void whatKubectlApplyKAppliesIsValidAndComplete() {
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SINGLE_SERVER);
        List<String> problems = new ArrayList<>();
        Set<String> kinds = new TreeSet<>();
        for (Map<String, Object> doc : docs) {
            problems.addAll(ManifestSchema.problems(doc, Manifests.kubectlAvailable() ? "kubectl kustomize" : "rendered"));
            kinds.add(doc.get("apiVersion") + "/" + doc.get("kind"));
        }
        assertEquals(List.of(), problems);
        assertEquals(new TreeSet<>(Set.of("v1/Namespace", "v1/Secret", "v1/Service", "v1/PersistentVolumeClaim",
                "apps/v1/Deployment", "networking.k8s.io/v1/Ingress")), kinds);
        if (!Manifests.kubectlAvailable()) {
            System.out.println("[shipping] kubectl not found: validated the files and a hand-made rendering");
        }
    }

    @Test
    void aMisspeltFieldInACopyIsRejected() throws IOException {
        String deployment = ShippedImage.read(Manifests.SINGLE_SERVER.resolve("deployment.yaml"));
        assertTrue(deployment.contains("mountPath:"));
        List<String> problems = ManifestSchema.problems(deployment.replace("mountPath:", "mountpath:"), "copy");
        assertFalse(problems.isEmpty(), "a misspelt field was accepted");
        assertTrue(String.join("\n", problems).contains("mountpath"), problems::toString);

        // The same mistake through the kustomization (what `kubectl apply -k` would send) is caught too.
        Path copy = copyOfManifests();
        Files.writeString(copy.resolve("deployment.yaml"), deployment.replace("strategy:", "strategyy:"));
        List<String> rendered = new ArrayList<>();
        for (Map<String, Object> doc : Manifests.rendered(copy)) {
            rendered.addAll(ManifestSchema.problems(doc, "copy"));
        }
        assertTrue(String.join("\n", rendered).contains("strategyy"), rendered::toString);
    }

    @Test
    void aMissingRequiredFieldIsRejected() {
        String ingress = ShippedImage.read(Manifests.BASE.resolve("ingress.yaml"));
        assertTrue(ingress.contains("pathType: Prefix"));
        List<String> problems = ManifestSchema.problems(ingress.replaceAll("(?m)^\\s*pathType: Prefix\\n", ""), "copy");
        assertTrue(String.join("\n", problems).contains("pathType"), problems::toString);
    }

    @Test
    void aRemovedApiVersionOrAWrongTypeIsRejected() {
        String ingress = ShippedImage.read(Manifests.BASE.resolve("ingress.yaml"));
        List<String> old = ManifestSchema.problems(
                ingress.replace("apiVersion: networking.k8s.io/v1", "apiVersion: extensions/v1beta1"), "copy");
        assertTrue(String.join("\n", old).contains("extensions/v1beta1"), old::toString);

        // Unquoted, YAML 1.1 reads off as a boolean, which the API server refuses for an annotation.
        List<String> bool = ManifestSchema.problems(ingress.replace("\"off\"", "off"), "copy");
        assertTrue(String.join("\n", bool).contains("a string"), bool::toString);

        String deployment = ShippedImage.read(Manifests.SINGLE_SERVER.resolve("deployment.yaml"));
        List<String> replicas = ManifestSchema.problems(deployment.replace("replicas: 1", "replicas: \"1\""), "copy");
        assertTrue(String.join("\n", replicas).contains("replicas"), replicas::toString);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDeploymentMatchesTheImage() {
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SINGLE_SERVER);
        DockerfileFacts dockerfile = DockerfileFacts.read(ShippedImage.DOCKERFILE);
        Map<String, Object> deployment = Manifests.only(docs, "Deployment");
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        assertEquals(1, spec.get("replicas"), "the data volume is ReadWriteOnce: one replica");
        assertEquals("Recreate", ((Map<String, Object>) spec.get("strategy")).get("type"));
        Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        Map<String, Object> security = (Map<String, Object>) podSpec.get("securityContext");
        String[] user = dockerfile.user().split(":");
        assertEquals(Boolean.TRUE, security.get("runAsNonRoot"));
        assertEquals(Integer.parseInt(user[0]), security.get("runAsUser"));
        assertEquals(Integer.parseInt(user[1]), security.get("fsGroup"), "fsGroup is the image user's group");

        Map<String, Object> container = Manifests.containers(deployment).get(0);
        Map<String, Object> port = ((List<Map<String, Object>>) container.get("ports")).get(0);
        assertEquals(dockerfile.all("EXPOSE"), List.of(port.get("containerPort") + ""));
        assertEquals(probe(container, "readinessProbe"), Map.of("path", "/readyz", "port", port.get("name")));
        assertEquals(probe(container, "livenessProbe"), Map.of("path", "/healthz", "port", port.get("name")));
        Map<String, Object> resources = (Map<String, Object>) container.get("resources");
        assertNotNull(((Map<String, Object>) resources.get("requests")).get("memory"));
        assertNotNull(((Map<String, Object>) resources.get("limits")).get("memory"));

        Map<String, Object> mount = ((List<Map<String, Object>>) container.get("volumeMounts")).get(0);
        assertEquals(List.of("[\"" + mount.get("mountPath") + "\"]"), dockerfile.all("VOLUME"));
        Map<String, Object> volume = ((List<Map<String, Object>>) podSpec.get("volumes")).get(0);
        assertEquals(mount.get("name"), volume.get("name"));
        Map<String, Object> pvc = Manifests.only(docs, "PersistentVolumeClaim");
        assertEquals(((Map<String, Object>) pvc.get("metadata")).get("name"),
                ((Map<String, Object>) volume.get("persistentVolumeClaim")).get("claimName"));
        assertEquals(List.of("ReadWriteOnce"), ((Map<String, Object>) pvc.get("spec")).get("accessModes"));

        Map<String, Object> secret = Manifests.only(docs, "Secret");
        Map<String, Object> secretRef = (Map<String, Object>) ((List<Map<String, Object>>) container.get("envFrom"))
                .get(0).get("secretRef");
        assertEquals(((Map<String, Object>) secret.get("metadata")).get("name"), secretRef.get("name"));
        assertEquals(Set.of("UPLOAD_USER", "UPLOAD_PASSWORD"),
                ((Map<String, Object>) secret.get("data")).keySet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theIngressIsForIngressNginxWithLargeStreamedUploadsAndTls() {
        List<Map<String, Object>> docs = Manifests.rendered(Manifests.SINGLE_SERVER);
        Map<String, Object> ingress = Manifests.only(docs, "Ingress");
        Map<String, Object> annotations = (Map<String, Object>) ((Map<String, Object>) ingress.get("metadata"))
                .get("annotations");
        assertEquals("10g", annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"));
        assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-request-buffering"));
        for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
            int seconds = Integer.parseInt((String) annotations.get("nginx.ingress.kubernetes.io/" + timeout));
            assertTrue(seconds >= 600, timeout + " " + seconds);
        }
        Map<String, Object> spec = (Map<String, Object>) ingress.get("spec");
        assertEquals("nginx", spec.get("ingressClassName"));
        Map<String, Object> tls = ((List<Map<String, Object>>) spec.get("tls")).get(0);
        Map<String, Object> rule = ((List<Map<String, Object>>) spec.get("rules")).get(0);
        assertEquals(tls.get("hosts"), List.of(rule.get("host")), "the TLS certificate covers the rule's host");
        assertNotNull(tls.get("secretName"));

        Map<String, Object> service = Manifests.only(docs, "Service");
        Map<String, Object> backend = (Map<String, Object>) ((Map<String, Object>) ((List<Map<String, Object>>)
                ((Map<String, Object>) rule.get("http")).get("paths")).get(0).get("backend")).get("service");
        assertEquals(((Map<String, Object>) service.get("metadata")).get("name"), backend.get("name"));
        Map<String, Object> servicePort = ((List<Map<String, Object>>) ((Map<String, Object>) service.get("spec"))
                .get("ports")).get(0);
        assertEquals(servicePort.get("name"), ((Map<String, Object>) backend.get("port")).get("name"));
        Map<String, Object> podLabels = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) Manifests.only(docs, "Deployment").get("spec")).get("template"))
                .get("metadata")).get("labels");
        Map<String, Object> selector = (Map<String, Object>) ((Map<String, Object>) service.get("spec")).get("selector");
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "the Service selects the pod");
    }

    /**
     * Every setting in the image and in the Deployment is one the server reads, and the values the image and the
     * Deployment set are the server's own defaults (so the README's table tells the truth for all three).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theImageAndTheDeploymentSetOnlyRealSettingsToTheirDefaults() {
        Set<String> known = new LinkedHashSet<>();
        Settings defaults = Settings.from(name -> {
            known.add(name);
            return null;
        });
        Set<String> runtime = Set.of("JAVA_OPTS", "UMASK");

        Map<String, String> image = new HashMap<>(DockerfileFacts.read(ShippedImage.DOCKERFILE).env());
        image.keySet().removeAll(runtime);
        assertTrue(known.containsAll(image.keySet()), "unknown settings in the Dockerfile: " + image.keySet());
        assertEquals(defaults, Settings.from(image::get));

        Map<String, String> deployment = new HashMap<>();
        for (Map<String, Object> env : (List<Map<String, Object>>) Manifests.containers(
                Manifests.only(Manifests.rendered(Manifests.SINGLE_SERVER), "Deployment")).get(0).get("env")) {
            deployment.put((String) env.get("name"), (String) env.get("value"));
        }
        assertTrue(known.containsAll(deployment.keySet()), "unknown settings in the Deployment: " + deployment);
        assertEquals(defaults, Settings.from(deployment::get));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> probe(Map<String, Object> container, String name) {
        Map<String, Object> probe = (Map<String, Object>) container.get(name);
        assertNotNull(probe, name);
        return (Map<String, Object>) probe.get("httpGet");
    }

    /** A copy of kubernetes/ (the overlays need their base beside them); its single-server overlay. */
    private Path copyOfManifests() throws IOException {
        Path copy = temp.resolve("kubernetes");
        try (Stream<Path> files = Files.walk(Manifests.DIR)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(Manifests.DIR.relativize(file).toString()));
            }
        }
        return copy.resolve(Manifests.DIR.relativize(Manifests.SINGLE_SERVER).toString());
    }
}
