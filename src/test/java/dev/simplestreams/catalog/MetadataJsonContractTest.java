package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static dev.simplestreams.catalog.TestRepository.V3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
            "{\"default_aliases\": false, \"aliases\": [\"jammy\", \"lts\"]}",
            "{\"default_aliases\": false, \"aliases\": \"jammy,lts\"}",
            "{\"default_aliases\": false, \"aliases\": \" jammy , lts ,\"}",
            "{\"default_aliases\": false, \"aliases\": [\"jammy\", \" lts\", \"jammy\", \"\"]}"})
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
        repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": \"oldest\", \"release_title\": \"old\", \"default_aliases\": false}");
        repo.write(UBUNTU, V2, "metadata.json", "{\"aliases\": \"newer\", \"release_title\": \"new\", \"default_aliases\": false}");

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
        assertEquals(DEFAULT_ALIASES + ",first", repo.scan().product(UBUNTU).aliases());

        Files.writeString(file, "{\"aliases\": [\"second\", \"2nd\"], \"os\": \"Ubuntu\", \"default_aliases\": false}");
        GoJson.Product changed = repo.scan().product(UBUNTU);
        assertEquals("second,2nd", changed.aliases());
        assertEquals("Ubuntu", changed.os());

        repo.containerImage(UBUNTU, V2);
        repo.write(UBUNTU, V2, "metadata.json", "{\"aliases\": \"from-a-new-version\"}");
        assertEquals(DEFAULT_ALIASES + ",from-a-new-version", repo.scan().product(UBUNTU).aliases());

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
            "{\"release_title\": \"line\\nbreak\"}",
            "{\"requirements\": {\"secureboot\": {\"x\": 1}}}",
            "{\"requirements\": {\"Secure Boot\": \"false\"}}",
            "{\"requirements\": [\"secureboot\"]}",
            "{\"support_eol\": \"next year\"}",
            "{\"support_eol\": \"2027-02-30\"}",
            "{\"supported\": \"yes\"}",
            "{\"default_aliases\": 0}"})
    void malformedFileIsReportedAndIgnoredAndTheImagesStayPublished(String json) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": \"good\", \"default_aliases\": false}");
        repo.containerImage(UBUNTU, V2);
        repo.write(UBUNTU, V2, "metadata.json", json);
        repo.containerImage("debian:bookworm:amd64:default", V1);

        TestRepository.Scan scan = repo.scan();

        assertTrue(scan.hasVersion(UBUNTU, V2), "a bad metadata.json does not take the images away");
        scan.assertProblem(repo.file(UBUNTU, V2, "metadata.json"), "metadata.json");
        scan.assertProblem(repo.file(UBUNTU, V2, "metadata.json"), "ignored until it is fixed");
        assertEquals("good", scan.product(UBUNTU).aliases(), "the older version's file applies instead");
        assertTrue(scan.hasProduct("debian:bookworm:amd64:default"));
    }

    @Test
    void aMalformedRewriteKeepsWhatTheFileSaidBefore() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        Path file = repo.write(UBUNTU, V1, "metadata.json",
                "{\"release_title\": \"22.04 LTS\", \"requirements\": {\"nesting\": \"true\"}}");
        assertEquals("22.04 LTS", repo.scan().product(UBUNTU).releaseTitle());

        Files.writeString(file, "{\"release_title\": \"22.04 LTS\", \"support_eol\": \"soon\"}");
        TestRepository.Scan scan = repo.scan();

        assertEquals("22.04 LTS", scan.product(UBUNTU).releaseTitle());
        assertEquals(Map.of("nesting", "true"), scan.product(UBUNTU).requirements(), "the previous file's values");
        scan.assertProblem(file, "previous metadata.json stays in effect");

        Files.writeString(file, "{\"release_title\": \"22.04.1 LTS\"}");
        scan = repo.scan();
        assertEquals("22.04.1 LTS", scan.product(UBUNTU).releaseTitle());
        assertTrue(scan.problems().isEmpty(), scan.problems().toString());
    }

    @Test
    void aliasesAreAddedToTheDefaultsUnlessDefaultAliasesIsFalse() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        Path file = repo.write(UBUNTU, V1, "metadata.json", "{\"aliases\": [\"lts\", \"ubuntu/jammy\"]}");
        assertEquals(DEFAULT_ALIASES + ",lts", repo.scan().product(UBUNTU).aliases(), "no name twice");

        Files.writeString(file, "{\"aliases\": [\"lts\"], \"default_aliases\": false}");
        assertEquals("lts", repo.scan().product(UBUNTU).aliases());
    }

    @Test
    void requirementsEndOfSupportAndCodenameArePublishedUnderTheNamesBothClientsRead() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, "metadata.json", "{\"requirements\": {\"secureboot\": false, \"cgroup\": \"v2\"},"
                + " \"support_eol\": \"2027-04-30\", \"release_codename\": \"Jammy Jellyfish\", \"supported\": true}");

        GoJson.Product product = repo.scan().product(UBUNTU);

        Map<String, String> expected = Map.of("secureboot", "false", "cgroup", "v2");
        assertEquals(expected, product.requirements(), "Incus reads requirements");
        assertEquals(expected, product.lxdRequirements(), "LXD reads lxd_requirements");
        assertEquals("2027-04-30", product.supportEol());
        assertEquals("Jammy Jellyfish", product.releaseCodename());
        assertEquals(Boolean.TRUE, product.supported());
    }

    @Test
    void theImagesOwnMetadataFillsWhatMetadataJsonDoesNotSay() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.write(UBUNTU, V1, "lxd.tar.xz", TestRepository.metadataTarballFor("architecture: x86_64\n"
                + "creation_date: 1700000000\nproperties:\n  os: Ubuntu\n  release: jammy 22.04\n  variant: cloud\n"
                + "  description: Ubuntu 22.04 LTS\n  requirements.secureboot: \"false\"\n"));
        repo.write(UBUNTU, V1, "rootfs.squashfs", TestRepository.rootBytes(UBUNTU, V1, "rootfs.squashfs"));

        GoJson.Product product = repo.scan().product(UBUNTU);
        assertEquals("Ubuntu", product.os());
        assertEquals("jammy 22.04", product.release());
        assertEquals("cloud", product.variant());
        assertEquals(Map.of("secureboot", "false"), product.requirements());

        repo.write(UBUNTU, V1, "metadata.json", "{\"os\": \"Ubuntu Linux\", \"requirements\": {\"nesting\": \"true\"}}");
        product = repo.scan().product(UBUNTU);
        assertEquals("Ubuntu Linux", product.os(), "metadata.json wins");
        assertEquals(Map.of("nesting", "true"), product.requirements(), "metadata.json's requirements, whole");
    }

    @Test
    void unknownKeysAreReportedAndTheRestApplies() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(UBUNTU, V1);
        repo.write(UBUNTU, V1, "metadata.json", "{\"release_title\": \"LTS\", \"requirments\": {}}");

        TestRepository.Scan scan = repo.scan();

        assertEquals("LTS", scan.product(UBUNTU).releaseTitle());
        scan.assertProblem(repo.file(UBUNTU, V1, "metadata.json"), "unknown key 'requirments'");
    }
}
