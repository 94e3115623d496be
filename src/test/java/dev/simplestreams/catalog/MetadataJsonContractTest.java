package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static dev.simplestreams.catalog.TestRepository.V3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * metadata.json in a version directory overrides os, release_title and aliases. Predecessor defects: an
 * aliases array crashed the indexer, and the file was honoured only when the product was first created.
 */
class MetadataJsonContractTest {

    private static final String DEFAULT_ALIASES = "ubuntu/jammy/amd64/default,ubuntu/jammy/default,ubuntu/jammy";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"aliases\": [\"jammy\", \"lts\"]}",
            "{\"aliases\": \"jammy,lts\"}",
            "{\"aliases\": \" jammy , lts ,\"}",
            "{\"aliases\": [\"jammy\", \" lts\", \"jammy\", \"\"]}"})
    void aliasesGivenAsArrayOrCommaStringComeOutAsOneCleanString(String json) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, "metadata.json", json);

        assertEquals("jammy,lts", repo.scan().product(UBUNTU).aliases());
    }

    @Test
    void osAndReleaseTitleAreOverriddenAndTheRestStaysFromTheDirectories() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, "metadata.json", "{\"os\": \"Ubuntu\", \"release_title\": \"22.04 LTS\"}");

        GoJson.Product product = repo.scan().product(UBUNTU);

        assertEquals("Ubuntu", product.os());
        assertEquals("22.04 LTS", product.releaseTitle());
        assertEquals("jammy", product.release());
        assertEquals("amd64", product.arch());
        assertEquals(DEFAULT_ALIASES, product.aliases(), "no aliases given: the defaults stay");
    }

    @Test
    void theNewestVersionsFileWins() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.containerImage(UBUNTU, V2);
        repo.containerImage(UBUNTU, V3);
        repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": \"oldest\", \"release_title\": \"old\"}");
        repo.write(UBUNTU, V2, "metadata.json", "{\"aliases\": \"newer\", \"release_title\": \"new\"}");

        GoJson.Product product = repo.scan().product(UBUNTU);

        // V3 has no metadata.json: the newest file there is wins, whole (not merged field by field).
        assertEquals("newer", product.aliases());
        assertEquals("new", product.releaseTitle());
    }

    /** Predecessor defect: metadata.json was read only when the product was first created. */
    @Test
    void aChangeTakesEffectOnTheNextPass() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        assertEquals(DEFAULT_ALIASES, repo.scan().product(UBUNTU).aliases());

        Path file = repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": \"first\"}");
        assertEquals("first", repo.scan().product(UBUNTU).aliases());

        Files.writeString(file, "{\"aliases\": [\"second\", \"2nd\"], \"os\": \"Ubuntu\"}");
        GoJson.Product changed = repo.scan().product(UBUNTU);
        assertEquals("second,2nd", changed.aliases());
        assertEquals("Ubuntu", changed.os());

        repo.containerImage(UBUNTU, V2);
        repo.write(UBUNTU, V2, "metadata.json", "{\"aliases\": \"from-a-new-version\"}");
        assertEquals("from-a-new-version", repo.scan().product(UBUNTU).aliases());

        Files.delete(repo.file(UBUNTU, V2, "metadata.json"));
        assertEquals("second,2nd", repo.scan().product(UBUNTU).aliases());

        Files.delete(file);
        assertEquals(DEFAULT_ALIASES, repo.scan().product(UBUNTU).aliases());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{",
            "[\"jammy\"]",
            "\"jammy\"",
            "{\"aliases\": 5}",
            "{\"aliases\": {\"name\": \"jammy\"}}",
            "{\"aliases\": [\"jammy\", 5]}",
            "{\"aliases\": [\"has space\"]}",
            "{\"aliases\": \"remote:alias\"}",
            "{\"os\": 3}",
            "{\"release_title\": \"\"}",
            "{\"release_title\": \"line\\nbreak\"}"})
    void malformedFileLeavesThatVersionOutWithAProblemAndTheRestPublished(String json) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": \"good\"}");
        repo.containerImage(UBUNTU, V2);
        repo.write(UBUNTU, V2, "metadata.json", json);
        repo.containerImage("debian:bookworm:amd64:default", V1);

        TestRepository.Scan scan = repo.scan();

        assertFalse(scan.hasVersion(UBUNTU, V2));
        scan.assertProblem(repo.dir(UBUNTU, V2), "metadata.json");
        assertEquals(List.of(V1), List.copyOf(scan.product(UBUNTU).versions().keySet()));
        assertEquals("good", scan.product(UBUNTU).aliases(), "the published version's file still applies");
        assertTrue(scan.hasProduct("debian:bookworm:amd64:default"));
    }

    @Test
    void fixingAMalformedFilePublishesTheVersionOnTheNextPass() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        Path file = repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": [\"a\",");
        assertFalse(repo.scan().hasProduct(UBUNTU));

        Files.writeString(file, "{\"aliases\": [\"a\", \"b\"]}");
        TestRepository.Scan scan = repo.scan();

        assertEquals("a,b", scan.product(UBUNTU).aliases());
        assertTrue(scan.problems().isEmpty(), scan.problems().toString());
    }
}
