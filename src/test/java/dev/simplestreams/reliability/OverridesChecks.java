package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.Overrides;

/**
 * What fuzzing checks for metadata.json: only MetadataException, and accepted aliases, requirements and
 * dates are clean. Driven by ParsersFuzzTest.
 */
final class OverridesChecks {

    private OverridesChecks() {
    }

    static void check(byte[] json) {
        try {
            Overrides overrides = Overrides.parse(json);
            if (overrides.aliases() != null) {
                for (String alias : overrides.aliases()) {
                    assertTrue(!alias.isEmpty() && !alias.contains(",") && !alias.contains(" ")
                            && !alias.contains(":"), alias);
                }
            }
            if (overrides.requirements() != null) {
                overrides.requirements().forEach((name, value) -> assertTrue(
                        Overrides.isValidRequirement(name, value), name + "=" + value));
            }
            assertTrue(overrides.supportEol() == null || Overrides.isValidDate(overrides.supportEol()));
        } catch (MetadataException expected) {
            // documented refusal
        }
    }
}
