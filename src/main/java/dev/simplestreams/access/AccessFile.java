package dev.simplestreams.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.catalog.JsonMappers;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the access file (JSON; a Kubernetes Secret mounts well):
 *
 * <pre>{@code
 * {"users": {"alice": {"password_hash": "<salt>$<iterations>$<key>", "roles": ["team-a"]}},
 *  "writers": [{"roles": ["team-a"], "may": ["create", "overwrite", "delete"], "under": ["images/team-a/"]}],
 *  "views": {"team-a": {"roles": ["team-a"], "token_sha256": ["<sha256 of a token>"], "under": ["images/team-a/"]},
 *            "debian": {"public": true, "images": [{"os": "debian", "release": ["12", "13"]}]}},
 *  "catalog": {"roles": ["staff"]}}
 * }</pre>
 *
 * <p>{@code catalog} makes the whole catalogue at the root URL private to its readers; without it the root
 * serves, to anyone, every product that no private view covers.
 *
 * Every key is checked: a misspelt one would otherwise quietly grant or withhold access.
 */
public final class AccessFile {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    private static final Pattern VIEW_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern TOKEN_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PREFIX = Pattern.compile("images/([A-Za-z0-9._:-]+/)*");

    private AccessFile() {
    }

    public static AccessRules parse(byte[] content) throws AccessFileException {
        JsonNode root;
        try {
            root = JsonMappers.JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new AccessFileException("it is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw new AccessFileException("it cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AccessFileException("it must hold one JSON object with the keys users and writers");
        }
        onlyKeys("the file", root, Set.of("users", "writers", "views", "catalog"));
        Map<String, View> views = new LinkedHashMap<>();
        Map<String, View> byToken = new HashMap<>();
        views(root.path("views"), views, byToken);
        JsonNode catalog = root.path("catalog");
        View privateCatalog = null;
        if (!catalog.isMissingNode()) {
            if (!catalog.isObject()) {
                throw new AccessFileException("catalog must be an object naming its readers: {\"roles\": [...]}");
            }
            onlyKeys("catalog", catalog, Set.of("users", "roles"));
            privateCatalog = new View("", false, Set.copyOf(strings("catalog.users", catalog.path("users"), false)),
                    Set.copyOf(strings("catalog.roles", catalog.path("roles"), false)), List.of(), List.of());
        }
        return new AccessRules(users(root.path("users")), writers(root.path("writers")), views, byToken,
                privateCatalog);
    }

    private static Map<String, AccessRules.User> users(JsonNode node) throws AccessFileException {
        Map<String, AccessRules.User> users = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return users;
        }
        if (!node.isObject()) {
            throw new AccessFileException("users must be an object: {\"alice\": {\"password_hash\": ...}}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            String where = "users." + name;
            if (!NAME.matcher(name).matches()) {
                throw new AccessFileException(where + ": a user name is 1-64 letters, digits or . _ @ + -");
            }
            JsonNode user = entry.getValue();
            if (!user.isObject()) {
                throw new AccessFileException(where + " must be an object with password_hash and roles");
            }
            onlyKeys(where, user, Set.of("password_hash", "roles"));
            JsonNode hash = user.path("password_hash");
            if (!hash.isTextual()) {
                throw new AccessFileException(where + ".password_hash is missing; " + PasswordHashes.HOW_TO_MAKE);
            }
            PasswordHashes.check(where + ".password_hash", hash.asText());
            users.put(name, new AccessRules.User(hash.asText(), Set.copyOf(strings(where + ".roles",
                    user.path("roles"), false))));
        }
        return users;
    }

    private static List<WriterRule> writers(JsonNode node) throws AccessFileException {
        List<WriterRule> rules = new ArrayList<>();
        if (node.isMissingNode()) {
            return rules;
        }
        if (!node.isArray()) {
            throw new AccessFileException("writers must be an array of {\"users\" or \"roles\", \"may\", \"under\"}");
        }
        for (int i = 0; i < node.size(); i++) {
            String where = "writers[" + i + "]";
            JsonNode rule = node.get(i);
            if (!rule.isObject()) {
                throw new AccessFileException(where + " must be an object");
            }
            onlyKeys(where, rule, Set.of("users", "roles", "may", "under"));
            List<String> users = strings(where + ".users", rule.path("users"), false);
            List<String> roles = strings(where + ".roles", rule.path("roles"), false);
            if (users.isEmpty() && roles.isEmpty()) {
                throw new AccessFileException(where + " names no users and no roles, so it grants nothing");
            }
            Set<Operation> operations = EnumSet.noneOf(Operation.class);
            for (String word : strings(where + ".may", rule.path("may"), true)) {
                try {
                    operations.add(Operation.parse(word));
                } catch (AccessFileException e) {
                    throw new AccessFileException(where + ".may: " + e.getMessage());
                }
            }
            List<String> prefixes = new ArrayList<>();
            for (String prefix : strings(where + ".under", rule.path("under"), true)) {
                prefixes.add(prefix(where + ".under", prefix));
            }
            rules.add(new WriterRule(Set.copyOf(users), Set.copyOf(roles), operations, List.copyOf(prefixes)));
        }
        return rules;
    }

    private static void views(JsonNode node, Map<String, View> views, Map<String, View> byToken)
            throws AccessFileException {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            throw new AccessFileException("views must be an object: {\"team-a\": {\"roles\": [...], ...}}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            String where = "views." + name;
            if (!VIEW_NAME.matcher(name).matches()) {
                throw new AccessFileException(where + ": a view's name is its URL (/v/<name>/): 1-64 lowercase "
                        + "letters, digits or -");
            }
            JsonNode view = entry.getValue();
            if (!view.isObject()) {
                throw new AccessFileException(where + " must be an object");
            }
            onlyKeys(where, view, Set.of("public", "users", "roles", "token_sha256", "images", "under"));
            if (!view.path("public").isMissingNode() && !view.path("public").isBoolean()) {
                throw new AccessFileException(where + ".public must be true or false");
            }
            List<String> prefixes = new ArrayList<>();
            for (String prefix : strings(where + ".under", view.path("under"), false)) {
                prefixes.add(prefix(where + ".under", prefix));
            }
            View parsed = new View(name, view.path("public").asBoolean(false),
                    Set.copyOf(strings(where + ".users", view.path("users"), false)),
                    Set.copyOf(strings(where + ".roles", view.path("roles"), false)),
                    filters(where + ".images", view.path("images")), List.copyOf(prefixes));
            views.put(name, parsed);
            for (String token : strings(where + ".token_sha256", view.path("token_sha256"), false)) {
                if (!TOKEN_SHA256.matcher(token).matches()) {
                    throw new AccessFileException(where + ".token_sha256 holds the SHA-256 of each token (64 "
                            + "hexadecimal digits), never the token: printf %s TOKEN | sha256sum");
                }
                if (byToken.put(token, parsed) != null) {
                    throw new AccessFileException(where + ".token_sha256: a token opens one view only");
                }
            }
        }
    }

    private static List<ImageFilter> filters(String where, JsonNode node) throws AccessFileException {
        List<ImageFilter> filters = new ArrayList<>();
        if (node.isMissingNode()) {
            return filters;
        }
        if (!node.isArray()) {
            throw new AccessFileException(where + " must be an array of {\"os\", \"release\", \"arch\", "
                    + "\"variant\"}");
        }
        for (int i = 0; i < node.size(); i++) {
            String at = where + "[" + i + "]";
            JsonNode filter = node.get(i);
            if (!filter.isObject() || filter.isEmpty()) {
                throw new AccessFileException(at + " must be an object with at least one of os, release, arch, "
                        + "variant");
            }
            onlyKeys(at, filter, Set.of("os", "release", "arch", "variant"));
            filters.add(new ImageFilter(oneOrMany(at + ".os", filter.path("os")),
                    oneOrMany(at + ".release", filter.path("release")), oneOrMany(at + ".arch", filter.path("arch")),
                    oneOrMany(at + ".variant", filter.path("variant"))));
        }
        return List.copyOf(filters);
    }

    /** "12" or ["12", "13"], as the mirror's filters take them. */
    private static Set<String> oneOrMany(String where, JsonNode node) throws AccessFileException {
        if (node.isTextual() && !node.asText().isBlank()) {
            return Set.of(node.asText());
        }
        return Set.copyOf(strings(where, node, false));
    }

    /** A prefix always ends with '/': "images/team-a" would otherwise also cover "images/team-ab/". */
    static String prefix(String where, String value) throws AccessFileException {
        String prefix = value.endsWith("/") ? value : value + "/";
        if (!PREFIX.matcher(prefix).matches() || prefix.contains("/../") || prefix.contains("/./")) {
            throw new AccessFileException(where + ": '" + value + "' is not a path prefix under images/, such as "
                    + "images/team-a/ or images/debian/12/");
        }
        return prefix;
    }

    static List<String> strings(String where, JsonNode node, boolean required) throws AccessFileException {
        if (node.isMissingNode() && !required) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty() && required) {
            throw new AccessFileException(where + " must be " + (required ? "a non-empty" : "an")
                    + " array of strings");
        }
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode value : node) {
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new AccessFileException(where + " must hold only non-empty strings");
            }
            values.add(value.asText());
        }
        return List.copyOf(values);
    }

    static void onlyKeys(String where, JsonNode node, Set<String> known) throws AccessFileException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new AccessFileException(where + " has the unknown key '" + name + "'; known keys: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
