package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.V1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Aliases. Users' scripts rely on the predecessor's {@code os/release/arch/variant}; images.linuxcontainers.org
 * users expect {@code os/release/variant} and, for the default variant, {@code os/release}. Clients register
 * each alias per (name, image type, architecture) and let an arbitrary-looking sort decide between two
 * products claiming one, so the server decides instead, deterministically, and says so.
 */
class AliasContractTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ubuntu:jammy:amd64:default | ubuntu/jammy/amd64/default,ubuntu/jammy/default,ubuntu/jammy",
            "ubuntu:jammy:amd64:cloud   | ubuntu/jammy/amd64/cloud,ubuntu/jammy/cloud",
            "alpine:3.20:arm64:default  | alpine/3.20/arm64/default,alpine/3.20/default,alpine/3.20",
            "debian:bookworm:x86_64:Default | debian/bookworm/x86_64/Default,debian/bookworm/Default"})
    void defaultAliases(String product, String aliases) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage(product, V1);

        assertEquals(aliases, repo.scan().product(product).aliases());
    }

    @Test
    void twoProductsOfOneArchitectureClaimingAnAliasTheFirstByIdKeepsIt() throws Exception {
        TestRepository repo = new TestRepository(dir);
        String cloud = "ubuntu:jammy:amd64:cloud";
        String plain = "ubuntu:jammy:amd64:default";
        repo.containerImage(plain, V1);
        repo.write(plain, V1, "metadata.json", "{\"default_aliases\": false, \"aliases\": \"jammy,mine\"}");
        repo.containerImage(cloud, V1);
        repo.write(cloud, V1, "metadata.json", "{\"default_aliases\": false, \"aliases\": \"jammy,cloudy\"}");

        TestRepository.Scan scan = repo.scan();

        assertEquals("jammy,cloudy", scan.product(cloud).aliases());
        assertEquals("mine", scan.product(plain).aliases());
        scan.assertProblem(repo.root().resolve("images/ubuntu/jammy/amd64/default"), "'jammy'");
        assertEquals(1, scan.problems().size(), scan.problems().toString());
    }

    /** amd64 and x86_64 are one architecture to the client, so they compete for one alias. */
    @Test
    void spellingsOfOneArchitectureConflict() throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.containerImage("ubuntu:jammy:amd64:default", V1);
        repo.containerImage("ubuntu:jammy:x86_64:default", "20241126_12:00");

        TestRepository.Scan scan = repo.scan();

        assertEquals("ubuntu/jammy/amd64/default,ubuntu/jammy/default,ubuntu/jammy",
                scan.product("ubuntu:jammy:amd64:default").aliases());
        assertEquals("ubuntu/jammy/x86_64/default", scan.product("ubuntu:jammy:x86_64:default").aliases());
        scan.assertProblem(repo.root().resolve("images/ubuntu/jammy/x86_64/default"), "'ubuntu/jammy'");
        scan.assertProblem(repo.root().resolve("images/ubuntu/jammy/x86_64/default"), "'ubuntu/jammy/default'");
    }

    @Test
    void productsOfDifferentArchitecturesShareAliases() throws Exception {
        TestRepository repo = new TestRepository(dir);
        for (String arch : List.of("amd64", "arm64", "riscv64")) {
            repo.containerImage("ubuntu:jammy:" + arch + ":default", V1);
            repo.write("ubuntu:jammy:" + arch + ":default", V1, "metadata.json", "{\"default_aliases\": false, \"aliases\": \"jammy\"}");
        }

        TestRepository.Scan scan = repo.scan();

        for (String arch : List.of("amd64", "arm64", "riscv64")) {
            assertEquals("jammy", scan.product("ubuntu:jammy:" + arch + ":default").aliases());
        }
        assertTrue(scan.problems().isEmpty(), scan.problems().toString());
    }

    @Test
    void conflictResolutionDoesNotDependOnTheOrderFilesAppeared() throws Exception {
        String first = "alpine:3.20:amd64:default";
        String second = "zeta:1:amd64:default";
        TestRepository forward = new TestRepository(dir.resolve("forward"));
        TestRepository backward = new TestRepository(dir.resolve("backward"));
        for (String product : List.of(first, second)) {
            forward.containerImage(product, V1);
            forward.write(product, V1, "metadata.json", "{\"default_aliases\": false, \"aliases\": \"shared\"}");
        }
        for (String product : List.of(second, first)) {
            backward.containerImage(product, V1);
            backward.write(product, V1, "metadata.json", "{\"default_aliases\": false, \"aliases\": \"shared\"}");
        }

        TestRepository.Scan a = forward.scan();
        TestRepository.Scan b = backward.scan();

        assertEquals("shared", a.product(first).aliases());
        assertEquals("", a.product(second).aliases());
        assertEquals(a.imagesWithoutTimestamp(), b.imagesWithoutTimestamp());
        assertEquals(a.problems(), b.problems());
    }
}
