package dev.simplestreams.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Issue 9, scenario 5: Jazzer (coverage-guided, from Maven Central) fuzzes everything that parses outside input:
 * {@code DataRoot.resolve} and {@code Layout.parseFile} (paths), {@code MetadataReader.read/readWhole}
 * (tarballs), {@code Overrides.parse} (metadata.json), {@code MultipartReader} (upload bodies) and {@code ContentCheck} (root
 * files and deltas). Jazzer fuzzes
 * one target per JVM and each JVM costs many seconds to start, so one target picks the parser from the input's
 * first byte: the six share the time
 * and the coverage feedback. The pom's fuzz execution runs it with JAZZER_FUZZ=1 for 12 s;
 * {@link ParsersFuzzSoak} runs the same for 10 minutes in soak mode. Without JAZZER_FUZZ only the seeds and
 * the corpus found so far (target/, via jazzer.internal.basedir) are replayed.
 */
class ParsersFuzzTest {

    @FuzzTest(maxDuration = "12s")
    void parsersFailOnlyAsDocumentedAndNeverEscapeTheRoot(FuzzedDataProvider data) {
        fuzzOne(data);
    }

    static void fuzzOne(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 5)) {
            case 0 -> DataRootChecks.check(data);
            case 1 -> LayoutChecks.check(data);
            case 2 -> MetadataReaderChecks.check(data.consumeRemainingAsBytes());
            case 3 -> MultipartReaderChecks.check(data.consumeRemainingAsBytes());
            case 4 -> ContentCheckChecks.check(data);
            default -> OverridesChecks.check(data.consumeRemainingAsBytes());
        }
    }
}
