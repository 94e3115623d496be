package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** metadata.json's keys as the binding reads them: nothing coerced, every refusal naming the key and the shape. */
class OverridesTest {

    private static Overrides parse(String json) throws MetadataException {
        return Overrides.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryKeyAndListsTheUnknownOnesSorted() throws Exception {
        Overrides overrides = parse("{\"os\": \"Ubuntu\", \"release_title\": \"22.04 LTS\", \"release_codename\": "
                + "\"Jammy\", \"aliases\": \"jammy, lts\", \"default_aliases\": false, \"requirements\": "
                + "{\"secureboot\": false, \"cpus\": 2}, \"support_eol\": \"2027-04-30\", \"supported\": true, "
                + "\"mirrored_from\": \"up\", \"zz\": 1, \"requirments\": {}}");
        assertEquals(new Overrides("Ubuntu", "22.04 LTS", "Jammy", List.of("jammy", "lts"), false,
                new TreeMap<>(Map.of("secureboot", "false", "cpus", "2")), "2027-04-30", true, "up",
                List.of("requirments", "zz")), overrides);
        assertEquals(Overrides.NONE, parse("{\"os\": null, \"aliases\": null, \"supported\": null}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"os\": 3}                       | metadata.json: 'os' must be a string of 1-200 printable characters",
        "{\"release_title\": true}         | metadata.json: 'release_title' must be a string of 1-200",
        "{\"release_codename\": [\"x\"]}   | metadata.json: 'release_codename' must be a string of 1-200",
        "{\"mirrored_from\": {}}           | metadata.json: 'mirrored_from' must be a string of 1-200",
        "{\"support_eol\": 2027}           | metadata.json: 'support_eol' must be a string of 1-200",
        "{\"support_eol\": \"2027-02-30\"} | metadata.json: 'support_eol' must be a date like",
        "{\"supported\": \"true\"}         | metadata.json: 'supported' must be true or false",
        "{\"default_aliases\": 0}          | metadata.json: 'default_aliases' must be true or false",
        "{\"requirements\": [\"x\"]}       | metadata.json: 'requirements' must be an object like",
        "{\"requirements\": \"x\"}         | metadata.json: 'requirements' must be an object like",
        "{\"requirements\": {\"a\": null}} | metadata.json: requirement 'a' must be named with",
        "{\"aliases\": 5}                  | metadata.json: 'aliases' must be an array of strings",
        "[]                                | metadata.json must be a JSON object like",
    })
    void namesTheKeyAndWhatItMustBe(String json, String message) {
        MetadataException e = assertThrows(MetadataException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
