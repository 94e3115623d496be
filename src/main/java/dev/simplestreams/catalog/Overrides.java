package dev.simplestreams.catalog;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A version's {@code metadata.json}: the product facts an uploader sets. Null fields were not given.
 * <ul>
 * <li>{@code os}, {@code release_title}, {@code release_codename}: text clients show.
 * <li>{@code aliases}: a JSON array or a comma-separated string, added to the default aliases unless
 * {@code default_aliases} is false; either way they come out clean.
 * <li>{@code requirements}: what the host must provide or set (e.g. {@code secureboot: "false"} for a VM whose
 * boot loader is not signed); clients turn them into the image's {@code requirements.*} properties.
 * <li>{@code support_eol}: a date, the image's expiry date on hosts; {@code supported}: a boolean.
 * <li>{@code mirrored_from} names the remote a mirror took the version from (the page shows it); uploads
 * leave it out.
 * </ul>
 * {@code unknownKeys} lists keys this server does not know, ignored (typos, mostly): the indexer reports them,
 * uploads are refused.
 */
public record Overrides(String os, String releaseTitle, String releaseCodename, List<String> aliases,
        Boolean defaultAliases, SortedMap<String, String> requirements, String supportEol, Boolean supported,
        String mirroredFrom, List<String> unknownKeys) {

    public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null, null, null,
            List.of());

    public static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_ALIASES = 64;
    private static final int MAX_REQUIREMENTS = 32;
    /** No ',' (the client splits on it), no spaces (it does not trim), no ':' (remote:alias syntax). */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/+-]{0,127}");
    private static final Pattern TEXT = Pattern.compile("[^\\p{Cntrl}]{1,200}");
    /** Becomes a property name, {@code requirements.<name>}, on every host. */
    private static final Pattern REQUIREMENT = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Set<String> KEYS = Set.of("os", "release_title", "release_codename", "aliases",
            "default_aliases", "requirements", "support_eol", "supported", "mirrored_from");
    private static final String EXAMPLE = "{\"os\": \"Ubuntu\", \"release_title\": \"22.04 LTS\", "
            + "\"aliases\": [\"jammy\"], \"requirements\": {\"secureboot\": \"false\"}, "
            + "\"support_eol\": \"2027-04-30\"}";

    /** Every key checked; unknown keys are ignored and listed in {@link #unknownKeys}. */
    public static Overrides parse(byte[] json) throws MetadataException {
        if (json.length > MAX_BYTES) {
            throw new MetadataException("metadata.json is larger than 64 KiB");
        }
        JsonNode root;
        try {
            root = JsonMappers.JSON.readTree(json);
        } catch (JacksonException e) {
            throw new MetadataException("metadata.json is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MetadataException("metadata.json cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MetadataException("metadata.json must be a JSON object like " + EXAMPLE);
        }
        File file;
        try {
            file = JsonMappers.STRICT.treeToValue(root, File.class);
        } catch (JsonMappingException e) {
            throw new MetadataException(explain(e));
        } catch (JacksonException e) {
            throw new MetadataException("metadata.json cannot be read: " + e.getOriginalMessage(), e);
        }
        return new Overrides(text(file.os(), "os"), text(file.releaseTitle(), "release_title"),
                text(file.releaseCodename(), "release_codename"), aliases(file.aliases()), file.defaultAliases(),
                requirements(file.requirements()), date(file.supportEol(), "support_eol"), file.supported(),
                text(file.mirroredFrom(), "mirrored_from"), file.unknown().keySet().stream().sorted().toList());
    }

    /**
     * metadata.json as written. {@code aliases} and {@code requirements} are read by hand: aliases may be a list or
     * one string, and a requirement's true or 1 is taken as its text, which the strict mapper would refuse.
     */
    private record File(String os, @JsonProperty("release_title") String releaseTitle,
            @JsonProperty("release_codename") String releaseCodename, JsonNode aliases,
            @JsonProperty("default_aliases") Boolean defaultAliases, Map<String, JsonNode> requirements,
            @JsonProperty("support_eol") String supportEol, Boolean supported,
            @JsonProperty("mirrored_from") String mirroredFrom, @JsonAnySetter Map<String, JsonNode> unknown) {
    }

    /** The binding's complaint in the words of the checks below: which key, and what it must be. */
    private static String explain(JsonMappingException e) {
        String key = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
        if ("requirements".equals(key)) {
            return "metadata.json: 'requirements' must be an object like {\"secureboot\": \"false\"}";
        }
        if ("default_aliases".equals(key) || "supported".equals(key)) {
            return "metadata.json: '" + key + "' must be true or false";
        }
        return key == null ? "metadata.json cannot be read: " + e.getOriginalMessage() : textMessage(key);
    }

    /** Like {@link #parse}, and refuses unknown keys: for uploads, where the sender can fix a typo at once. */
    public static Overrides parseStrict(byte[] json) throws MetadataException {
        Overrides overrides = parse(json);
        if (!overrides.unknownKeys().isEmpty()) {
            throw new MetadataException(unknownKeysMessage(overrides.unknownKeys()));
        }
        return overrides;
    }

    public static String unknownKeysMessage(List<String> keys) {
        return "metadata.json: unknown key" + (keys.size() > 1 ? "s " : " ") + "'" + String.join("', '", keys)
                + "' (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")";
    }

    /** Whether {@code alias} may appear in the catalogue as it is; for aliases taken from elsewhere (a mirror). */
    public static boolean isValidAlias(String alias) {
        return alias != null && ALIAS.matcher(alias).matches();
    }

    /** Whether {@code value} is acceptable as {@code os}, {@code release_title} or {@code release_codename}. */
    public static boolean isValidText(String value) {
        return value != null && TEXT.matcher(value).matches();
    }

    /** Whether {@code name} and {@code value} are acceptable as a requirement; for those taken from elsewhere. */
    public static boolean isValidRequirement(String name, String value) {
        return name != null && REQUIREMENT.matcher(name).matches() && isValidText(value);
    }

    /** Whether {@code value} is a date as clients read {@code support_eol}. */
    public static boolean isValidDate(String value) {
        if (value == null) {
            return false;
        }
        try {
            LocalDate.parse(value);
            return value.length() == 10;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String text(String value, String field) throws MetadataException {
        if (value != null && !TEXT.matcher(value).matches()) {
            throw new MetadataException(textMessage(field));
        }
        return value;
    }

    private static String textMessage(String field) {
        return "metadata.json: '" + field + "' must be a string of 1-200 printable characters";
    }

    private static String date(String text, String field) throws MetadataException {
        String value = text(text, field);
        if (value != null && !isValidDate(value)) {
            throw new MetadataException("metadata.json: '" + field + "' must be a date like \"2027-04-30\" "
                    + "(YYYY-MM-DD), not '" + value + "'");
        }
        return value;
    }

    /** Values clients need as strings; true, false and numbers are taken as the text they are. */
    private static SortedMap<String, String> requirements(Map<String, JsonNode> given) throws MetadataException {
        if (given == null) {
            return null;
        }
        SortedMap<String, String> requirements = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : given.entrySet()) {
            JsonNode value = entry.getValue();
            if (!value.isValueNode() || value.isNull() || !isValidRequirement(entry.getKey(), value.asText())) {
                throw new MetadataException("metadata.json: requirement '" + entry.getKey() + "' must be named with "
                        + "1-64 lower-case letters, digits, '.', '_' or '-' and have a string value, e.g. "
                        + "{\"secureboot\": \"false\", \"nesting\": \"true\"}");
            }
            requirements.put(entry.getKey(), value.asText());
        }
        if (requirements.size() > MAX_REQUIREMENTS) {
            throw new MetadataException("metadata.json: more than " + MAX_REQUIREMENTS + " requirements");
        }
        return requirements.isEmpty() ? null : requirements;
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
