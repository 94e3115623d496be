package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.UnsafePathException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What fuzzing checks for the data root: no relative path, however encoded, resolves outside it or through a
 * link. Driven by ParsersFuzzTest.
 */
final class DataRootChecks {

    private DataRootChecks() {
    }

    private static final DataRoot ROOT;
    private static final Path REAL_ROOT;

    static {
        try {
            Path base = Files.createTempDirectory("fuzz-root-");
            Files.createDirectories(base.resolve("images/ubuntu/jammy/amd64/default"));
            Files.createDirectories(base.resolve("outside"));
            // A link inside the tree: resolve must refuse to go through it.
            Files.createSymbolicLink(base.resolve("images/link"), base.resolve("outside"));
            ROOT = new DataRoot(base);
            REAL_ROOT = ROOT.path();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static void check(FuzzedDataProvider data) {
        String relative = data.consumeRemainingAsString();
        try {
            Path resolved = ROOT.resolve(relative);
            Path normalised = resolved.normalize();
            assertTrue(normalised.startsWith(REAL_ROOT) && !normalised.equals(REAL_ROOT),
                    () -> "'" + relative + "' resolved to " + resolved);
            assertTrue(!normalised.startsWith(REAL_ROOT.resolve("images/link")),
                    () -> "'" + relative + "' went through a link: " + resolved);
        } catch (UnsafePathException expected) {
            // documented refusal
        }
    }
}
