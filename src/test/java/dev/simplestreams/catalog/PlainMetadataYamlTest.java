package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain reader of metadata.yaml against the general YAML parser: every document it reads, it reads exactly as
 * the general parser does, and it reads the forms image builders write.
 */
class PlainMetadataYamlTest {

    /** As distrobuilder writes it (Go's YAML encoder): lists at their key's indent, booleans in the templates. */
    private static final String DISTROBUILDER = """
            architecture: x86_64
            creation_date: 1701406800
            expiry_date: 1703998800
            properties:
              architecture: amd64
              description: Debian bookworm amd64 (20231201_05:24)
              name: debian-bookworm-amd64-default-20231201_05:24
              os: debian
              release: bookworm
              serial: "20231201_05:24"
              variant: default
            templates:
              /etc/hostname:
                when:
                - create
                - copy
                create_only: false
                template: hostname.tpl
                properties: {}
              /etc/hosts:
                when:
                  - create
                  - copy
                template: hosts.tpl
            """;

    @ParameterizedTest
    @ValueSource(strings = {
        DISTROBUILDER,
        "architecture: x86_64\ncreation_date: 1767225600\nproperties:\n  architecture: x86_64\n  description: bench\n"
                + "  os: bench\n  release: bench\n  variant: default\ntemplates: {}\n",
        "architecture: aarch64\ncreation_date: 1700000000\nexpiry_date: 0\nproperties:\n  os: Ubuntu\n"
                + "  release: jammy 22.04\n  description: 'Ubuntu 22.04 LTS server (20231101)'\n  variant: cloud\n",
        "architecture: x86_64\ncreation_date: 0\nproperties:\n  serial: 20231201_05:24\n  release: \"22.04\"\n",
        "architecture: x86_64\nproperties: {}\n\n\n"})
    void readsWhatImageBuildersWrite(String yaml) throws Exception {
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        ImageMetadata plain = PlainMetadataYaml.read(bytes);
        assertNotNull(plain, "left to the general parser:\n" + yaml);
        assertEquals(MetadataReader.parseAnyYaml(bytes), plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "# made by hand\narchitecture: x86_64\n",
        "---\narchitecture: x86_64\n",
        "architecture: x86_64 # the usual\n",
        "architecture: x86_64\r\ncreation_date: 1\r\n",
        "architecture:\tx86_64\n",
        "architecture:  x86_64\n",
        "architecture: x86_64 \n",
        "architecture: x86_64\narchitecture: aarch64\n",
        "architecture: x86_64\nproperties:\n  release: 3.20\n",
        "architecture: x86_64\nproperties:\n  release: 012\n",
        "architecture: x86_64\nproperties:\n  enabled: True\n",
        "architecture: x86_64\nproperties:\n  empty: ~\n",
        "architecture: x86_64\nproperties:\n  empty:\n",
        "architecture: x86_64\nproperties:\n  description: Debian\n    bookworm\n",
        "architecture: x86_64\nproperties:\n  description: |\n    Debian\n",
        "architecture: x86_64\nproperties: {os: debian}\n",
        "architecture: x86_64\nproperties:\n  description: \"tab\\there\"\n",
        "architecture: x86_64\nproperties:\n  description: Débian\n",
        "architecture: &a x86_64\nproperties:\n  arch: *a\n",
        "architecture: !!str x86_64\n",
        "creation_date: 1\nproperties:\n  os: x\n",
        "architecture: null\n",
        "architecture: ''\n",
        "architecture: 'x86_64\n",
        "architecture: x86_64\ncreation_date: 1e9\n",
        "architecture: x86_64\ntemplates:\n  /etc/hostname:\n    when:\n    - create\n    -copy\n",
        "architecture: x86_64\ntemplates:\n  /etc/hostname:\n    when:\n    - - create\n",
        "architecture: x86_64\n  creation_date: 1\n",
        "- architecture: x86_64\n",
        "x86_64\n",
        ""})
    void leavesTheRestToTheGeneralParser(String yaml) {
        assertNull(PlainMetadataYaml.read(yaml.getBytes(StandardCharsets.UTF_8)), yaml);
    }

    private static final List<String> SCALARS = List.of("x86_64", "amd64", "bookworm", "jammy 22.04",
            "Debian bookworm amd64 (20231201_05:24)", "20231201_05:24", "190:20:30", "1:30", "12", "0", "012", "1_000",
            "0x1F", "0x", "0b101", "0b", "0o17", "1e5", "1e", "3.20", "20.10", "-1", "+1", ".5", ".inf", "-.inf",
            ".nan", "nan", "NaN", "inf", "Infinity", "true", "True", "TRUE", "false", "yes", "Yes", "no", "NO", "on",
            "off", "y",
            "Y", "n", "null", "Null", "NULL", "~", "", "\"quoted\"", "'single'", "\"12\"", "'true'", "\"\"", "''",
            "\"a\\\"b\"", "'it''s'", "it's", "C#", "a #b", "a: b", "a:b", "b:", "[x]", "{x}", "{}", "[]", "x,y", "*ref",
            "&anchor x", "!tag x", "!!str 5", "|", "> x", "%x", "@x", "`x", "-x", "- x", "?x", "x ", "0x1g", "12abc",
            "1.2.3", "99999999999999999999", "999999999999999999", "2024-01-01", "2024-01-01T00:00:00Z", "a~b", "~x",
            "=", "<<", "/etc/hostname", "a[b]", "x{y}", "a, b", "é", "x\ty", "\"x", "'x");
    private static final List<String> KEYS = List.of("os", "release", "description", "serial", "variant",
            "architecture", "name", "1", "true", "on", "null", "a b", "/etc/hosts", "x.y", "_k", "-k", "k:", "\"q\"",
            "<<", "? k");

    @Test
    void readsNothingDifferentlyFromTheGeneralParser() {
        Random random = new Random(19);
        int read = 0;
        int leftOver = 0;
        for (int i = 0; i < 4000; i++) {
            String yaml = document(random);
            byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
            ImageMetadata plain = PlainMetadataYaml.read(bytes);
            if (plain == null) {
                leftOver++;
                continue;
            }
            read++;
            try {
                assertEquals(MetadataReader.parseAnyYaml(bytes), plain, yaml);
            } catch (MetadataException e) {
                fail("the general parser refuses what the plain reader read (" + e.getMessage() + "):\n" + yaml);
            }
        }
        // Both sides must be exercised, or the comparison proves nothing.
        assertTrue(read > 400 && leftOver > 400, read + " read, " + leftOver + " left to the general parser");
    }

    /** Mostly the plain form, with a tricky scalar, key or line here and there. */
    private static String document(Random random) {
        StringBuilder yaml = new StringBuilder();
        if (random.nextInt(20) != 0) {
            yaml.append("architecture: ").append(sometimes(random, 4, "x86_64")).append('\n');
        }
        if (random.nextBoolean()) {
            yaml.append("creation_date: ")
                    .append(sometimes(random, 3, String.valueOf(random.nextInt(2_000_000_000))))
                    .append('\n');
        }
        if (random.nextInt(10) != 0) {
            yaml.append("properties:\n");
            int count = 1 + random.nextInt(6);
            for (int p = 0; p < count; p++) {
                String key = random.nextInt(4) == 0 ? pick(random, KEYS) : "k" + random.nextInt(8);
                String value = sometimes(random, 3, "value " + random.nextInt(100));
                yaml.append("  ").append(key).append(": ").append(value).append('\n');
            }
        }
        if (random.nextBoolean()) {
            yaml.append("templates:\n  /etc/hostname:\n");
            String dash = random.nextBoolean() ? "    - " : "      - ";
            yaml.append("    when:\n").append(dash).append("create\n").append(dash)
                    .append(sometimes(random, 3, "copy")).append('\n');
            yaml.append("    create_only: ").append(sometimes(random, 3, "false")).append('\n');
            yaml.append("    properties: {}\n");
        }
        if (random.nextInt(8) == 0) {
            String[] lines = yaml.toString().split("\n", -1);
            int at = random.nextInt(lines.length);
            lines[at] = switch (random.nextInt(7)) {
                case 0 -> "# a comment";
                case 1 -> " " + lines[at];
                case 2 -> lines[at] + " ";
                case 3 -> "---";
                case 4 -> lines[at] + "\r";
                case 5 -> lines[at].replaceFirst(": ", ":  ");
                default -> "";
            };
            return String.join("\n", lines);
        }
        return yaml.toString();
    }

    /** One of the tricky scalars once in {@code every} times, else {@code usual}. */
    private static String sometimes(Random random, int every, String usual) {
        return random.nextInt(every) == 0 ? pick(random, SCALARS) : usual;
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
