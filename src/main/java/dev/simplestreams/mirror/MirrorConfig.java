package dev.simplestreams.mirror;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.catalog.JsonMappers;
import dev.simplestreams.signing.KeyException;
import dev.simplestreams.signing.Keyring;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to mirror, from the file MIRROR_CONFIG names (YAML; JSON is YAML too, so either works):
 *
 * <pre>
 * ca_file: /etc/simplestreams/upstream-ca.crt   # optional, trusted besides the JVM's CAs
 * remotes:
 *   - name: lxc                                 # shown on the page and in /status, /metrics
 *     url: https://images.linuxcontainers.org/
 *     keep: 2                                   # newest versions per product; 0 (default): all listed
 *     keyring: /etc/simplestreams/lxc.gpg       # optional: read only the signed catalogue, checked with these keys
 *     images:                                   # any entry matches; omitted: everything
 *       - {os: debian, release: [bookworm, trixie], arch: amd64, type: container}
 * </pre>
 *
 * Unknown keys are refused, so a misspelt filter never silently mirrors everything.
 */
public record MirrorConfig(Path caFile, List<Remote> remotes) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Set<String> FILTER_KEYS = Set.of("os", "release", "arch", "variant", "type");

    /**
     * One upstream simplestreams remote. {@code keyring}: the public keys its signed catalogue
     * ({@code index.sjson} and the documents it names) must verify against; null: it is read unsigned.
     */
    public record Remote(String name, URI url, int keep, List<Filter> images, Keyring keyring) {

        /** Whether a product (directory names) of this type is wanted; no filters: everything. */
        public boolean wants(String os, String release, String arch, String variant, ImageKind kind) {
            return images.isEmpty() || images.stream().anyMatch(f -> f.matches(os, release, arch, variant, kind));
        }
    }

    /** The image types a filter can ask for. */
    public enum ImageKind { CONTAINER, VM }

    /** One filter entry: each given field must list the value (case-insensitive); a missing field matches all. */
    public record Filter(Set<String> os, Set<String> release, Set<String> arch, Set<String> variant,
            Set<ImageKind> type) {

        boolean matches(String o, String r, String a, String v, ImageKind kind) {
            return has(os, o) && has(release, r) && has(arch, a) && has(variant, v)
                    && (type.isEmpty() || kind == null || type.contains(kind));
        }

        /** A product passes on its names alone when some type could still match. */
        private static boolean has(Set<String> allowed, String value) {
            return allowed.isEmpty() || allowed.contains(value.toLowerCase(Locale.ROOT));
        }
    }

    public static MirrorConfig parse(byte[] text) throws MirrorConfigException {
        JsonNode root;
        try {
            root = JsonMappers.YAML.readTree(text);
        } catch (JacksonException e) {
            throw new MirrorConfigException("not valid YAML or JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new MirrorConfigException("cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MirrorConfigException("must be a mapping with 'remotes:' (a list of name, url, keep, images)");
        }
        onlyKeys(root, Set.of("ca_file", "remotes"), "the top level");
        Path caFile = root.hasNonNull("ca_file") ? Path.of(text(root, "ca_file", "the top level")) : null;
        JsonNode remotes = root.get("remotes");
        if (remotes == null || !remotes.isArray() || remotes.isEmpty()) {
            throw new MirrorConfigException("'remotes' must be a non-empty list, e.g. "
                    + "remotes: [{name: primary, url: 'https://images.example.com/'}]");
        }
        List<Remote> parsed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode remote : remotes) {
            Remote r = remote(remote);
            if (!names.add(r.name())) {
                throw new MirrorConfigException("remote name '" + r.name() + "' is used twice");
            }
            parsed.add(r);
        }
        return new MirrorConfig(caFile, List.copyOf(parsed));
    }

    private static Remote remote(JsonNode node) throws MirrorConfigException {
        if (!node.isObject()) {
            throw new MirrorConfigException("each remote must be a mapping with name and url");
        }
        onlyKeys(node, Set.of("name", "url", "keep", "images", "keyring"), "a remote");
        String name = text(node, "name", "a remote");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new MirrorConfigException("remote name '" + name + "' is not allowed; use 1-32 lowercase letters, "
                    + "digits or '-'");
        }
        String where = "remote '" + name + "'";
        URI url = url(text(node, "url", where), where);
        int keep = 0;
        if (node.has("keep")) {
            JsonNode k = node.get("keep");
            if (!k.canConvertToInt() || !k.isIntegralNumber() || k.asInt() < 0) {
                throw new MirrorConfigException(where + ": 'keep' must be a whole number >= 0 (0 keeps every version)");
            }
            keep = k.asInt();
        }
        List<Filter> filters = new ArrayList<>();
        JsonNode images = node.get("images");
        if (images != null && !images.isNull()) {
            if (!images.isArray()) {
                throw new MirrorConfigException(where + ": 'images' must be a list of filters like "
                        + "{os: debian, release: bookworm, arch: amd64, variant: default, type: container}");
            }
            for (JsonNode filter : images) {
                filters.add(filter(filter, where));
            }
        }
        String keyring = text(node, "keyring", where);
        return new Remote(name, url, keep, List.copyOf(filters), keyring == null ? null : keyring(keyring, where));
    }

    /** Read now, so that a keyring that cannot be used stops the start instead of every sync. */
    private static Keyring keyring(String file, String where) throws MirrorConfigException {
        try {
            return Keyring.read(Files.readAllBytes(Path.of(file)), "keyring " + file);
        } catch (NoSuchFileException e) {
            throw new MirrorConfigException(where + ": keyring " + file + " does not exist; export the upstream's "
                    + "public key with gpg --export KEYID > keyring.gpg");
        } catch (IOException e) {
            throw new MirrorConfigException(where + ": keyring " + file + " cannot be read: " + e.getMessage());
        } catch (KeyException e) {
            throw new MirrorConfigException(where + ": " + e.getMessage());
        }
    }

    private static URI url(String text, String where) throws MirrorConfigException {
        if (text == null) {
            throw new MirrorConfigException(where + ": 'url' is missing, e.g. url: 'https://images.example.com/'");
        }
        try {
            URI uri = new URI(text.endsWith("/") ? text : text + "/");
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
                throw new URISyntaxException(text, "use an http or https URL without query or credentials");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new MirrorConfigException(where + ": url '" + text + "' is not usable: " + e.getReason());
        }
    }

    private static Filter filter(JsonNode node, String where) throws MirrorConfigException {
        if (!node.isObject()) {
            throw new MirrorConfigException(where + ": each entry of 'images' must be a mapping");
        }
        onlyKeys(node, FILTER_KEYS, where + ", images");
        Set<ImageKind> types = new LinkedHashSet<>();
        for (String type : values(node, "type", where)) {
            switch (type) {
                case "container" -> types.add(ImageKind.CONTAINER);
                case "vm", "virtual-machine" -> types.add(ImageKind.VM);
                default -> throw new MirrorConfigException(where + ": type '" + type + "' is neither container nor vm");
            }
        }
        return new Filter(values(node, "os", where), values(node, "release", where), values(node, "arch", where),
                values(node, "variant", where), Set.copyOf(types));
    }

    /** A field given as one string or a list of strings, lowercased. */
    private static Set<String> values(JsonNode node, String field, String where) throws MirrorConfigException {
        JsonNode value = node.get(field);
        Set<String> values = new LinkedHashSet<>();
        if (value == null || value.isNull()) {
            return Set.of();
        }
        if (value.isValueNode()) {
            values.add(value.asText().toLowerCase(Locale.ROOT));
        } else if (value.isArray()) {
            for (JsonNode element : value) {
                if (!element.isValueNode()) {
                    throw new MirrorConfigException(where + ": '" + field + "' must be a string or a list of strings");
                }
                values.add(element.asText().toLowerCase(Locale.ROOT));
            }
        } else {
            throw new MirrorConfigException(where + ": '" + field + "' must be a string or a list of strings");
        }
        return Set.copyOf(values);
    }

    private static String text(JsonNode node, String field, String where) throws MirrorConfigException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MirrorConfigException(where + ": '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static void onlyKeys(JsonNode node, Set<String> allowed, String where) throws MirrorConfigException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new MirrorConfigException(where + ": unknown key '" + name + "'; allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }
}
