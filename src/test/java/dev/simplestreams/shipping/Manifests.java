package dev.simplestreams.shipping;

import dev.simplestreams.testing.Cli;
import dev.simplestreams.testing.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The project's kubernetes/ directory (a base and an overlay for each variant): its files, and what
 * {@code kubectl apply -k} would send.
 */
final class Manifests {

    static final Path DIR = Path.of("kubernetes");
    /** The Namespace, Service and Ingress both variants share. */
    static final Path BASE = DIR.resolve("base");
    /** The variant for one replica on a volume. */
    static final Path SINGLE_SERVER = DIR.resolve("single-server");
    /** The variant for several replicas on an S3 bucket. */
    static final Path SCALE_OUT = DIR.resolve("scale-out");

    private Manifests() {
    }

    /** kubectl on PATH, unless {@code -Dshipping.kubectl=none} asks for the fallback (to test the fallback). */
    static boolean kubectlAvailable() {
        return !"none".equals(System.getProperty("shipping.kubectl")) && Podman.onPath("kubectl");
    }

    /** {@code kubectl kustomize DIR}: offline, exactly what {@code kubectl apply -k DIR} applies. */
    static String kustomize(Path dir) {
        CommandResult r = Cli.create().run("kubectl", "kustomize", dir.toString());
        if (!r.ok()) {
            throw new AssertionError("kubectl kustomize " + dir + " failed\n" + r.describe());
        }
        return r.stdout();
    }

    /** The resource files kustomization.yaml lists, in order, with those of the directories it lists (the base). */
    @SuppressWarnings("unchecked")
    static List<Path> resourceFiles(Path dir) {
        Map<String, Object> kustomization = ManifestSchema.documents(ShippedImage.read(dir.resolve("kustomization.yaml")))
                .get(0);
        List<Path> files = new ArrayList<>();
        for (Object resource : (List<Object>) kustomization.get("resources")) {
            Path path = dir.resolve(String.valueOf(resource)).normalize();
            if (Files.isDirectory(path)) {
                files.addAll(resourceFiles(path));
            } else {
                files.add(path);
            }
        }
        return files;
    }

    /** The YAML files in {@code dir} that are neither its kustomization nor a resource {@code dir} lists. */
    static Set<Path> unlisted(Path dir) {
        Set<Path> found = new TreeSet<>();
        try (Stream<Path> all = Files.list(dir)) {
            all.filter(p -> p.toString().endsWith(".yaml")).map(Path::normalize).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.remove(dir.resolve("kustomization.yaml").normalize());
        found.removeAll(resourceFiles(dir));
        return found;
    }

    /**
     * The documents {@code kubectl apply -k} would apply: kubectl's own rendering where kubectl exists; otherwise the
     * resource files with the kustomization's namespace, images, generated Secrets and ConfigMaps applied by hand (its
     * patches only touch Ingress host, TLS secret and storage class, which nothing here reads).
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rendered(Path dir) {
        if (kubectlAvailable()) {
            return ManifestSchema.documents(kustomize(dir));
        }
        Map<String, Object> k = ManifestSchema.documents(ShippedImage.read(dir.resolve("kustomization.yaml"))).get(0);
        String namespace = (String) k.get("namespace");
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Path file : resourceFiles(dir)) {
            docs.addAll(ManifestSchema.documents(ShippedImage.read(file)));
        }
        for (String kind : List.of("ConfigMap", "Secret")) {
            for (Object generator : (List<Object>) k.getOrDefault(
                    kind.equals("Secret") ? "secretGenerator" : "configMapGenerator", List.of())) {
                docs.add(generated(kind, (Map<String, Object>) generator));
            }
        }
        for (Map<String, Object> doc : docs) {
            Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
            if (namespace != null && !"Namespace".equals(doc.get("kind"))) {
                metadata.put("namespace", namespace);
            } else if (namespace != null) {
                metadata.put("name", namespace);
            }
            // kustomize gives a RoleBinding's ServiceAccount subjects without a namespace the kustomization's.
            for (Object subject : (List<Object>) doc.getOrDefault("subjects", List.of())) {
                Map<String, Object> s = (Map<String, Object>) subject;
                if (namespace != null && "ServiceAccount".equals(s.get("kind"))) {
                    s.putIfAbsent("namespace", namespace);
                }
            }
        }
        for (Object image : (List<Object>) k.getOrDefault("images", List.of())) {
            Map<String, Object> i = (Map<String, Object>) image;
            for (Map<String, Object> doc : docs) {
                if ("Deployment".equals(doc.get("kind"))) {
                    for (Map<String, Object> c : containers(doc)) {
                        String ref = String.valueOf(c.get("image"));
                        String name = ref.contains(":") ? ref.substring(0, ref.lastIndexOf(':')) : ref;
                        if (name.equals(i.get("name"))) {
                            c.put("image", i.getOrDefault("newName", name) + ":" + i.getOrDefault("newTag", "latest"));
                        }
                    }
                }
            }
        }
        return docs;
    }

    /** A generated Secret (values base64, as kustomize writes them) or ConfigMap (values as they are). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> generated(String kind, Map<String, Object> generator) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object literal : (List<Object>) generator.getOrDefault("literals", List.of())) {
            String text = String.valueOf(literal);
            int eq = text.indexOf('=');
            String value = text.substring(eq + 1);
            data.put(text.substring(0, eq), kind.equals("Secret")
                    ? Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) : value);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "v1");
        doc.put("kind", kind);
        doc.put("metadata", new LinkedHashMap<>(Map.of("name", generator.get("name"))));
        if (kind.equals("Secret")) {
            doc.put("type", "Opaque");
        }
        doc.put("data", data);
        return doc;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        Map<String, Object> template = (Map<String, Object>) spec.get("template");
        Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
        return (List<Map<String, Object>>) podSpec.get("containers");
    }

    static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    static String dump(List<Map<String, Object>> docs) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dumpAll(docs.iterator());
    }
}
