package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.simplestreams.catalog.ImageFile;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;

/**
 * What fuzzing checks for the layout parser: only LayoutException, and what it accepts is a plain path under
 * images/. Driven by ParsersFuzzTest.
 */
final class LayoutChecks {

    private LayoutChecks() {
    }

    static void check(FuzzedDataProvider data) {
        String relative = data.consumeRemainingAsString();
        try {
            ImageFile file = Layout.parseFile(relative);
            // Whatever the layout accepts is a plain path under images/: no empty, '.', '..' or hidden segment,
            // no control character or backslash, so it can never name anything outside the tree.
            assertTrue(relative.startsWith("images/") && file != null, relative);
            for (String segment : relative.split("/", -1)) {
                assertTrue(!segment.isEmpty() && !segment.startsWith("."), relative);
            }
            assertTrue(relative.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\'), relative);
        } catch (LayoutException expected) {
            // documented refusal
        }
    }
}
