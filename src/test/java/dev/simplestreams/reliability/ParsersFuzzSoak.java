package dev.simplestreams.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** {@link ParsersFuzzTest} for 10 minutes; run only in soak mode (scripts/soak.sh). */
class ParsersFuzzSoak {

    @FuzzTest(maxDuration = "10m")
    void parsersFailOnlyAsDocumentedAndNeverEscapeTheRootForLong(FuzzedDataProvider data) {
        ParsersFuzzTest.fuzzOne(data);
    }
}
