package dev.simplestreams.catalog;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * metadata.yaml in the form LXD, Incus and distrobuilder write it, read without the general YAML parser: block
 * mappings and lists of one-line scalars, in printable ASCII. The general parser cost a cold build of 10,000
 * versions about a second (2.3 s of CPU, 1.0 s of it compiling the parser's code). Whatever this class is not sure
 * of (another construct, a scalar YAML may read as a number other than plain digits, a boolean or null where the
 * server reads it, a duplicate key, no architecture) makes it answer null and leaves the document to the general
 * parser, which then reads it or refuses it with its reason; a document answered here reads the same there.
 */
final class PlainMetadataYaml {

    // Loops over characters, not regular expressions: a first pass runs this 10,000 times before it is compiled.
    private static final String KEY_PUNCTUATION = "_./-";
    /** What a plain scalar starting with a digit is made of when YAML may read it as a number (1_000, 0x1F, 1e5). */
    private static final String NUMBER_CHARACTERS = "0123456789_.+-eExXoObBaAcCdDfF";
    private static final Set<String> RESOLVED_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "y", "n",
            "null", "~");
    /** First characters left to the general parser: YAML's indicators, and those of numbers such as -1, +1 and .inf. */
    private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`.+";
    /** An empty flow mapping or list: not a scalar, and nothing in it. */
    private static final Object EMPTY_COLLECTION = new Object();

    /** What YAML reads a one-line scalar as: its text, a whole number written as plain digits, or maybe not text. */
    private enum Kind { TEXT, WHOLE_NUMBER, BOOLEAN_OR_NULL }

    private record Scalar(String text, Kind kind) {

        /** Whether YAML reads it as its text: it is not a word such as true, yes or ~ (a boolean or null). */
        boolean plainText() {
            return kind != Kind.BOOLEAN_OR_NULL;
        }
    }

    private final String[] lines;
    private int next;

    private PlainMetadataYaml(String[] lines) {
        this.lines = lines;
    }

    /**
     * The metadata, or null: not in the plain form (the general parser decides). No loop of its own: its loops had
     * the JIT compile it three times with most of the reader inlined into it, half a second of compiling in a cold
     * build that calls it once per version.
     */
    static ImageMetadata read(byte[] yaml) {
        if (!isPrintableAscii(yaml)) {
            return null;
        }
        PlainMetadataYaml parser = new PlainMetadataYaml(new String(yaml, StandardCharsets.US_ASCII).split("\n", -1));
        Map<String, Object> root = parser.mapping(0);
        if (root == null || parser.skipBlankLines() < parser.lines.length) {
            return null;
        }
        if (!(root.get("architecture") instanceof Scalar arch) || !arch.plainText() || arch.text().isEmpty()) {
            return null;
        }
        long creationDate = 0;
        if (root.get("creation_date") instanceof Scalar created) {
            if (!created.plainText()) {
                return null;
            }
            creationDate = created.kind() == Kind.WHOLE_NUMBER ? Long.parseLong(created.text()) : 0;
        }
        Map<String, String> properties = root.get("properties") instanceof Map<?, ?> props ? properties(props) : Map.of();
        return properties == null ? null : new ImageMetadata(arch.text(), creationDate, properties);
    }

    private static boolean isPrintableAscii(byte[] yaml) {
        for (byte b : yaml) {
            if ((b < 0x20 && b != '\n') || b == 0x7f) { // a byte above 0x7f is negative here
                return false;
            }
        }
        return true;
    }

    /** The scalar properties, or null when one of them may not be text. */
    private static Map<String, String> properties(Map<?, ?> mapping) {
        Map<String, String> properties = new TreeMap<>();
        for (Map.Entry<?, ?> property : mapping.entrySet()) {
            if (property.getValue() instanceof Scalar scalar) {
                if (!scalar.plainText()) {
                    return null;
                }
                properties.put((String) property.getKey(), scalar.text());
            }
        }
        return Map.copyOf(properties);
    }

    /** The index of the next line that is not empty. */
    private int skipBlankLines() {
        while (next < lines.length && lines[next].isEmpty()) {
            next++;
        }
        return next;
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** A block mapping whose keys are at {@code indent}, or null. */
    private Map<String, Object> mapping(int indent) {
        Map<String, Object> entries = new HashMap<>();
        while (skipBlankLines() < lines.length) {
            String line = lines[next];
            int lineIndent = indentOf(line);
            if (lineIndent < indent) {
                break;
            }
            if (lineIndent > indent || line.length() == lineIndent) {
                return null;
            }
            int colon = line.indexOf(':', indent);
            if (colon < 0) {
                return null;
            }
            String key = line.substring(indent, colon);
            if (!isKey(key) || RESOLVED_WORDS.contains(key.toLowerCase(Locale.ROOT))) {
                return null;
            }
            next++;
            Object value = colon == line.length() - 1 ? block(indent) : inline(line.substring(colon + 1));
            if (value == null || entries.put(key, value) != null) {
                return null;
            }
        }
        return entries.isEmpty() ? null : entries;
    }

    /** After a key with nothing behind its colon: a more indented mapping, or a list at the key's indent or more. */
    private Object block(int keyIndent) {
        if (skipBlankLines() == lines.length) {
            return null;
        }
        String line = lines[next];
        int lineIndent = indentOf(line);
        if (line.startsWith("- ", lineIndent) && lineIndent >= keyIndent) {
            return list(lineIndent);
        }
        return lineIndent > keyIndent ? mapping(lineIndent) : null;
    }

    /** A block list of one-line scalars, its dashes at {@code indent}. */
    private Object list(int indent) {
        while (skipBlankLines() < lines.length) {
            String line = lines[next];
            int lineIndent = indentOf(line);
            if (lineIndent < indent || (lineIndent == indent && !line.startsWith("-", indent))) {
                break;
            }
            if (lineIndent > indent || !line.startsWith("- ", indent)) {
                return null;
            }
            if (scalar(line.substring(indent + 2)) == null) {
                return null;
            }
            next++;
        }
        return EMPTY_COLLECTION;
    }

    /** The value after {@code key:} on the same line. */
    private static Object inline(String afterColon) {
        if (!afterColon.startsWith(" ")) {
            return null;
        }
        String value = afterColon.substring(1);
        if (value.equals("{}") || value.equals("[]")) {
            return EMPTY_COLLECTION;
        }
        return scalar(value);
    }

    private static Scalar scalar(String value) {
        if (value.isEmpty() || value.startsWith(" ") || value.endsWith(" ")) {
            return null;
        }
        char first = value.charAt(0);
        if (first == '"' || first == '\'') {
            if (value.length() < 2 || value.charAt(value.length() - 1) != first) {
                return null;
            }
            String inner = value.substring(1, value.length() - 1);
            return inner.indexOf(first) < 0 && inner.indexOf('\\') < 0 ? new Scalar(inner, Kind.TEXT) : null;
        }
        if (INDICATORS.indexOf(first) >= 0 || value.contains(": ") || value.contains(" #") || value.endsWith(":")) {
            return null;
        }
        if (isDigit(first)) {
            if (isWholeNumber(value)) {
                return new Scalar(value, Kind.WHOLE_NUMBER);
            }
            return mayBeNumber(value) ? null : new Scalar(value, Kind.TEXT);
        }
        return new Scalar(value, RESOLVED_WORDS.contains(value.toLowerCase(Locale.ROOT)) ? Kind.BOOLEAN_OR_NULL
                : Kind.TEXT);
    }

    /** A plain key: a letter, '_' or '/' first, then letters, digits and "_./-". */
    private static boolean isKey(String key) {
        if (key.isEmpty() || !(isLetter(key.charAt(0)) || key.charAt(0) == '_' || key.charAt(0) == '/')) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!isLetter(c) && !isDigit(c) && KEY_PUNCTUATION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** 0, or up to 18 digits without a leading zero (YAML 1.1 reads 012 as octal): a long, with the same text. */
    private static boolean isWholeNumber(String value) {
        if (value.length() > 18 || (value.charAt(0) == '0' && value.length() > 1)) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isDigit(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean mayBeNumber(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (NUMBER_CHARACTERS.indexOf(value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
