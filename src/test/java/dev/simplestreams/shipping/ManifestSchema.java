package dev.simplestreams.shipping;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Offline, strict validation of Kubernetes manifests against the API's own models (io.kubernetes:client-java-api):
 * YAML is read as Kubernetes reads it (YAML 1.1 scalars, so an unquoted {@code off} is a boolean), turned into JSON
 * and bound to the model class of its apiVersion and kind. The generated models reject unknown fields and missing
 * required ones; a second pass compares the document with the model written back, so a value of the wrong type
 * that Gson would quietly convert ({@code replicas: "1"}, an annotation {@code off}) fails too. Only current API
 * versions are known: a removed one (extensions/v1beta1 Ingress, apps/v1beta1 Deployment) is an error.
 */
final class ManifestSchema {

    /** apiVersion/kind to model. Everything the project ships; anything else is refused. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", V1Namespace.class),
            Map.entry("v1/PersistentVolumeClaim", V1PersistentVolumeClaim.class),
            Map.entry("v1/Service", V1Service.class),
            Map.entry("v1/Secret", V1Secret.class),
            Map.entry("v1/ConfigMap", V1ConfigMap.class),
            Map.entry("v1/ServiceAccount", V1ServiceAccount.class),
            Map.entry("apps/v1/Deployment", V1Deployment.class),
            Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class),
            Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", V1Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding.class));

    private static final Gson PLAIN = new Gson();

    private ManifestSchema() {
    }

    /** Every document of a (multi-document) YAML text, as Kubernetes' YAML reader types its scalars. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new IllegalArgumentException("a manifest document is not a mapping: " + doc);
            }
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    /** The problems of one document; empty when it is valid. {@code where} names it in the messages. */
    static List<String> problems(Map<String, Object> doc, String where) {
        List<String> problems = new ArrayList<>();
        Object apiVersion = doc.get("apiVersion");
        Object kind = doc.get("kind");
        String key = apiVersion + "/" + kind;
        Class<?> model = KINDS.get(key);
        String name = where + " (" + kind + " " + nameOf(doc) + ")";
        if (model == null) {
            problems.add(name + ": apiVersion " + apiVersion + " kind " + kind
                    + " is not a current API the project ships; known: " + new TreeSet<>(KINDS.keySet()));
            return problems;
        }
        JsonElement written = PLAIN.toJsonTree(doc);
        Object bound;
        try {
            bound = JSON.getGson().fromJson(written, model);
        } catch (RuntimeException e) {
            problems.add(name + ": " + e.getMessage());
            return problems;
        }
        JsonElement back = JSON.getGson().toJsonTree(bound);
        compare("", written, back, name, problems);
        return problems;
    }

    /** Validates every document of a YAML text; returns all problems. */
    static List<String> problems(String yaml, String where) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> docs;
        try {
            docs = documents(yaml);
        } catch (RuntimeException e) {
            problems.add(where + ": not YAML: " + e.getMessage());
            return problems;
        }
        if (docs.isEmpty()) {
            problems.add(where + ": no document");
        }
        for (Map<String, Object> doc : docs) {
            problems.addAll(problems(doc, where));
        }
        return problems;
    }

    static String nameOf(Map<String, Object> doc) {
        Object metadata = doc.get("metadata");
        return metadata instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "(no metadata)";
    }

    /** Type-sensitive comparison of what was written with what the model holds. */
    private static void compare(String path, JsonElement written, JsonElement back, String name,
            List<String> problems) {
        if (written == null || written.isJsonNull()) {
            return;
        }
        if (back == null || back.isJsonNull()) {
            problems.add(name + ": " + path + " is not part of the schema (or empty where a value is required)");
            return;
        }
        if (written.isJsonObject()) {
            if (!back.isJsonObject()) {
                problems.add(name + ": " + path + " must not be an object");
                return;
            }
            JsonObject w = written.getAsJsonObject();
            JsonObject b = back.getAsJsonObject();
            Set<String> keys = new TreeSet<>(w.keySet());
            for (String k : keys) {
                compare(path + "." + k, w.get(k), b.get(k), name, problems);
            }
        } else if (written.isJsonArray()) {
            if (!back.isJsonArray()) {
                problems.add(name + ": " + path + " must not be a list");
                return;
            }
            JsonArray w = written.getAsJsonArray();
            JsonArray b = back.getAsJsonArray();
            for (int i = 0; i < w.size(); i++) {
                compare(path + "[" + i + "]", w.get(i), i < b.size() ? b.get(i) : null, name, problems);
            }
        } else {
            JsonPrimitive w = written.getAsJsonPrimitive();
            if (!back.isJsonPrimitive()) {
                problems.add(name + ": " + path + " = " + w + " must be an object or a list");
                return;
            }
            JsonPrimitive b = back.getAsJsonPrimitive();
            if (w.isString() != b.isString() || w.isBoolean() != b.isBoolean() || w.isNumber() != b.isNumber()) {
                problems.add(name + ": " + path + " = " + w + " has the wrong type: the schema wants "
                        + (b.isString() ? "a string (quote it)" : b.isBoolean() ? "a boolean" : "a number"));
            } else if (!w.equals(b) && !sameQuantity(w, b)) {
                problems.add(name + ": " + path + " = " + w + " reads back as " + b);
            }
        }
    }

    /** Quantities are written back in canonical form ("0.5" becomes "500m"); that is not a mistake. */
    private static boolean sameQuantity(JsonPrimitive w, JsonPrimitive b) {
        try {
            return new io.kubernetes.client.custom.Quantity(w.getAsString()).getNumber()
                    .compareTo(new io.kubernetes.client.custom.Quantity(b.getAsString()).getNumber()) == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
