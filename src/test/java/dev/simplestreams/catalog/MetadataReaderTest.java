package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A property is published as it was written in metadata.yaml, whatever type YAML gives the unquoted text. */
class MetadataReaderTest {

    @ParameterizedTest(name = "release: {0} -> \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "20.10      | 20.10",
        "3.20       | 3.20",
        "22.04      | 22.04",
        "'24.04'    | 24.04",
        "12         | 12",
        "bookworm   | bookworm",
        "edge       | edge"})
    void releaseIsPublishedAsWritten(String written, String published) throws Exception {
        String yaml = "architecture: x86_64\ncreation_date: 1767225600\nproperties:\n  os: test\n  release: " + written
                + "\n";
        ImageMetadata metadata = MetadataReader.parseYaml(yaml.getBytes(StandardCharsets.UTF_8));
        assertEquals(published, metadata.properties().get("release"));
        assertEquals(1767225600L, metadata.creationDate());
    }
}
