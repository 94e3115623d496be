package dev.simplestreams.catalog;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A version's {@code metadata.json}: overrides of {@code os}, {@code release_title} and {@code aliases}.
 * Aliases may be given as a JSON array or a comma-separated string; either way they come out clean.
 * {@code mirrored_from} names the remote a mirror took the version from (the page shows it); uploads leave it
 * out. Null fields were not given.
 */
public record Overrides(String os, String releaseTitle, List<String> aliases, String mirroredFrom) {

    public static final Overrides NONE = new Overrides(null, null, null, null);

    public static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_ALIASES = 64;
    /** No ',' (the client splits on it), no spaces (it does not trim), no ':' (remote:alias syntax). */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/+-]{0,127}");
    private static final Pattern TEXT = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Overrides parse(byte[] json) throws MetadataException {
        if (json.length > MAX_BYTES) {
            throw new MetadataException("metadata.json is larger than 64 KiB");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new MetadataException("metadata.json is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MetadataException("metadata.json cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MetadataException("metadata.json must be a JSON object like "
                    + "{\"os\": \"Ubuntu\", \"release_title\": \"22.04 LTS\", \"aliases\": [\"jammy\"]}");
        }
        return new Overrides(text(root, "os"), text(root, "release_title"), aliases(root.get("aliases")),
                text(root, "mirrored_from"));
    }

    /** Whether {@code alias} may appear in the catalogue as it is; for aliases taken from elsewhere (a mirror). */
    public static boolean isValidAlias(String alias) {
        return alias != null && ALIAS.matcher(alias).matches();
    }

    /** Whether {@code value} is acceptable as {@code os} or {@code release_title}. */
    public static boolean isValidText(String value) {
        return value != null && TEXT.matcher(value).matches();
    }

    private static String text(JsonNode root, String field) throws MetadataException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !TEXT.matcher(node.asText()).matches()) {
            throw new MetadataException("metadata.json: '" + field + "' must be a string of 1-200 printable characters");
        }
        return node.asText();
    }

    private static List<String> aliases(JsonNode node) throws MetadataException {
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> raw = new ArrayList<>();
        if (node.isTextual()) {
            raw.addAll(List.of(node.asText().split(",")));
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    throw new MetadataException("metadata.json: 'aliases' must hold strings only");
                }
                raw.add(element.asText());
            }
        } else {
            throw new MetadataException("metadata.json: 'aliases' must be an array of strings or a comma-separated string");
        }
        Set<String> clean = new LinkedHashSet<>();
        for (String alias : raw) {
            String trimmed = alias.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!ALIAS.matcher(trimmed).matches()) {
                throw new MetadataException("metadata.json: alias '" + trimmed + "' is not allowed; use 1-128 letters, "
                        + "digits, '.', '_', '/', '+' or '-', starting with a letter or digit");
            }
            clean.add(trimmed);
        }
        if (clean.size() > MAX_ALIASES) {
            throw new MetadataException("metadata.json: more than " + MAX_ALIASES + " aliases");
        }
        return List.copyOf(clean);
    }
}
