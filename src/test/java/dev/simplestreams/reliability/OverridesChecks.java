package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.Overrides;

/**
 * What fuzzing checks for metadata.json: only MetadataException, and accepted aliases are clean. Driven by
 * ParsersFuzzTest.
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
        } catch (MetadataException expected) {
            // documented refusal
        }
    }
}
