package dev.simplestreams.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
    private static final String TOP = "the top level";
    private static final String WORDS = "a string or a list of strings";
    /** What a key or a list entry must be, for the messages; any other key must be a string. */
    private static final Map<String, String> EXPECTED = Map.of(
            "remotes", "a non-empty list, e.g. remotes: [{name: primary, url: 'https://images.example.com/'}]",
            "each remote", "a mapping with name and url",
            "keep", "a whole number >= 0 (0 keeps every version)",
            "images", "a list of filters like "
                    + "{os: debian, release: bookworm, arch: amd64, variant: default, type: container}",
            "each entry of 'images'", "a mapping",
            "os", WORDS, "release", WORDS, "arch", WORDS, "variant", WORDS, "type", WORDS);

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
        File file;
        try {
            file = JsonMappers.STRICT.treeToValue(root, File.class);
        } catch (JsonMappingException e) {
            throw new MirrorConfigException(explain(e, root));
        } catch (JacksonException e) {
            throw new MirrorConfigException("cannot be read: " + e.getOriginalMessage());
        }
        if (file.remotes() == null || file.remotes().isEmpty()) {
            throw new MirrorConfigException(TOP + ": 'remotes' must be " + EXPECTED.get("remotes"));
        }
        List<Remote> parsed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (RemoteEntry entry : file.remotes()) {
            Remote r = remote(entry);
            if (!names.add(r.name())) {
                throw new MirrorConfigException("remote name '" + r.name() + "' is used twice");
            }
            parsed.add(r);
        }
        return new MirrorConfig(file.caFile() == null ? null : Path.of(file.caFile()), List.copyOf(parsed));
    }

    /**
     * The file as written; {@link #parse} checks what binding cannot and builds the config from it. A list entry
     * left empty ({@code - } alone) is a mistake, not a remote or filter that matches everything.
     */
    private record File(@JsonProperty("ca_file") String caFile,
            @JsonSetter(contentNulls = Nulls.FAIL) List<RemoteEntry> remotes) {
    }

    /** {@code keep} null: not given, or given without a value; either way every version is kept. */
    private record RemoteEntry(String name, String url, Integer keep,
            @JsonSetter(contentNulls = Nulls.FAIL) List<FilterEntry> images, String keyring) {
    }

    private record FilterEntry(@JsonDeserialize(using = Words.class) Set<String> os,
            @JsonDeserialize(using = Words.class) Set<String> release,
            @JsonDeserialize(using = Words.class) Set<String> arch,
            @JsonDeserialize(using = Words.class) Set<String> variant,
            @JsonDeserialize(using = Words.class) Set<String> type) {
    }

    /**
     * A filter field: one value or a list of them, lowercased. Numbers are taken as written ({@code release: 12},
     * {@code release: 24.04}), so this is not the strict mapper's string.
     */
    private static final class Words extends StdDeserializer<Set<String>> {

        Words() {
            super(Set.class);
        }

        @Override
        public Set<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Set<String> values = new LinkedHashSet<>();
            if (!p.isExpectedStartArrayToken()) {
                values.add(word(p));
            } else {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    values.add(word(p));
                }
            }
            return Set.copyOf(values);
        }

        private static String word(JsonParser p) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw MismatchedInputException.from(p, Set.class, "not " + WORDS);
            }
            return p.getText().toLowerCase(Locale.ROOT);
        }

        @Override
        public Set<String> getNullValue(DeserializationContext ctxt) {
            return Set.of();
        }
    }

    /** Jackson's complaint as a person fixes it: where (the remote by name when it has one), which key, what fits. */
    private static String explain(JsonMappingException e, JsonNode root) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (path.isEmpty()) {
            return e.getOriginalMessage();
        }
        String where = TOP;
        String key = null;
        for (int i = 0; i < path.size(); i++) {
            int index = path.get(i).getIndex();
            if (path.get(i).getFieldName() != null) {
                key = path.get(i).getFieldName();
            } else if (i == path.size() - 1) {
                key = "remotes".equals(key) ? "each remote" : "each entry of 'images'";
            } else if ("remotes".equals(key)) {
                JsonNode name = root.path("remotes").path(index).path("name");
                where = name.isTextual() ? "remote '" + name.asText() + "'" : "remote " + (index + 1);
            } else {
                where = images(where, index);
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return where + ": unknown key '" + u.getPropertyName() + "'; allowed: "
                    + String.join(", ", new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList()));
        }
        String what = key.startsWith("each ") ? key : "'" + key + "'";
        return where + ": " + what + " must be " + EXPECTED.getOrDefault(key, "a string");
    }

    private static String images(String remote, int index) {
        return remote + ", images entry " + (index + 1);
    }

    private static Remote remote(RemoteEntry entry) throws MirrorConfigException {
        String name = entry.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new MirrorConfigException("remote name '" + name + "' is not allowed; use 1-32 lowercase letters, "
                    + "digits or '-'");
        }
        String where = "remote '" + name + "'";
        URI url = url(entry.url(), where);
        int keep = entry.keep() == null ? 0 : entry.keep();
        if (keep < 0) {
            throw new MirrorConfigException(where + ": 'keep' must be " + EXPECTED.get("keep"));
        }
        List<Filter> filters = new ArrayList<>();
        List<FilterEntry> images = entry.images() == null ? List.of() : entry.images();
        for (int i = 0; i < images.size(); i++) {
            filters.add(filter(images.get(i), images(where, i)));
        }
        return new Remote(name, url, keep, List.copyOf(filters),
                entry.keyring() == null ? null : keyring(entry.keyring(), where));
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

    private static Filter filter(FilterEntry entry, String where) throws MirrorConfigException {
        Set<ImageKind> types = new LinkedHashSet<>();
        for (String type : entry.type()) {
            switch (type) {
                case "container" -> types.add(ImageKind.CONTAINER);
                case "vm", "virtual-machine" -> types.add(ImageKind.VM);
                default -> throw new MirrorConfigException(where + ": type '" + type + "' is neither container nor vm");
            }
        }
        return new Filter(entry.os(), entry.release(), entry.arch(), entry.variant(), Set.copyOf(types));
    }
}
