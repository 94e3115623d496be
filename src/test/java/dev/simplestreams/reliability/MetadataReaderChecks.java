package dev.simplestreams.reliability;


import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.MetadataReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * What fuzzing checks for metadata tarballs: only MetadataException or IOException, never anything else. Driven
 * by ParsersFuzzTest.
 */
final class MetadataReaderChecks {

    private MetadataReaderChecks() {
    }

    static void check(byte[] tarball) {
        try {
            MetadataReader.read(new ByteArrayInputStream(tarball));
        } catch (MetadataException | IOException expected) {
            // documented refusal
        }
        try {
            MetadataReader.readWhole(new ByteArrayInputStream(tarball));
        } catch (MetadataException | IOException expected) {
            // documented refusal
        }
    }
}
