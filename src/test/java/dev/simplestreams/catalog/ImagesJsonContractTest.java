package dev.simplestreams.catalog;

import static dev.simplestreams.catalog.TestRepository.UBUNTU;
import static dev.simplestreams.catalog.TestRepository.V1;
import static dev.simplestreams.catalog.TestRepository.V2;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.testing.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * streams/v1/images.json as the Go clients decode it. One type mismatch anywhere makes the client reject the
 * whole remote, so the types are checked on the raw JSON as well as through {@link GoJson}.
 */
class ImagesJsonContractTest {

    private static final DateTimeFormatter CLIENT_DATE = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);

    @TempDir
    Path dir;

    private TestRepository repo;

    /** One of every image kind, so every item shape is checked. */
    @BeforeEach
    void everyImageKind() throws IOException {
        repo = new TestRepository(dir);
        repo.splitImage(UBUNTU, V1, "rootfs.squashfs", "disk.qcow2");
        repo.splitImage(UBUNTU, V2, "rootfs.squashfs", "root.tar.xz");
        repo.write(UBUNTU, V2, "rootfs." + V1 + ".vcdiff", "delta");
        repo.unifiedImage("alpine:3.20:arm64:cloud", V1, "lxd_combined.tar.gz");
        repo.splitImage("debian:bookworm:x86_64:default", V1, "disk-kvm.img");
    }

    @Test
    void topLevelCarriesContentIdFormatAndDatatype() throws Exception {
        TestRepository.Scan scan = repo.scan();

        assertEquals("images", scan.images().contentId());
        assertEquals("products:1.0", scan.images().format());
        assertEquals("image-downloads", scan.images().datatype());
    }

    @Test
    void everyProductHasEveryFieldClientsReadAsANonEmptyString() throws Exception {
        JsonNode products = repo.scan().imagesTree().get("products");

        assertEquals(3, products.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = products.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> product = it.next();
            for (String field : List.of("arch", "os", "release", "release_title", "variant", "aliases")) {
                JsonNode value = product.getValue().get(field);
                assertTrue(value != null && value.isTextual() && !value.asText().isEmpty(),
                        product.getKey() + "." + field + " must be a non-empty string, is " + value);
            }
            assertTrue(product.getValue().get("versions").isObject(), product.getKey() + ".versions must be an object");
            assertFalse(product.getValue().get("versions").isEmpty());
        }
    }

    @Test
    void productFieldsComeFromTheDirectoryNames() throws Exception {
        GoJson.Product product = repo.scan().product("debian:bookworm:x86_64:default");

        assertAll(
                () -> assertEquals("debian", product.os()),
                () -> assertEquals("bookworm", product.release()),
                () -> assertEquals("bookworm", product.releaseTitle()),
                () -> assertEquals("x86_64", product.arch()),
                () -> assertEquals("default", product.variant()));
    }

    @Test
    void aliasesAreOneCommaSeparatedStringWithoutSpaces() throws Exception {
        TestRepository.Scan scan = repo.scan();

        for (JsonNode product : scan.imagesTree().get("products")) {
            JsonNode aliases = product.get("aliases");
            assertTrue(aliases.isTextual(), "an array makes every client command fail: " + aliases);
            // The client splits on ',' and does not trim: a space or an empty entry becomes part of an alias name.
            for (String alias : aliases.asText().split(",", -1)) {
                assertFalse(alias.isEmpty(), "empty alias in " + aliases);
                assertFalse(alias.chars().anyMatch(Character::isWhitespace), "whitespace in alias '" + alias + "'");
            }
        }
    }

    @Test
    void everyItemHasAnIntegerSizeARelativePathAndTheFilesSha256() throws Exception {
        TestRepository.Scan scan = repo.scan();

        for (JsonNode product : scan.imagesTree().get("products")) {
            for (JsonNode version : product.get("versions")) {
                for (JsonNode item : version.get("items")) {
                    String path = item.get("path").asText();
                    assertAll(path,
                            () -> assertTrue(item.get("ftype").isTextual()),
                            () -> assertTrue(item.get("size").isIntegralNumber(), "size must be a JSON integer"),
                            () -> assertTrue(item.get("sha256").isTextual()),
                            () -> assertFalse(path.startsWith("/"), "paths are relative to the remote URL"),
                            () -> assertTrue(path.startsWith("images/")));
                }
            }
        }
        assertTrue(scan.allItems().count() > 10);
        for (GoJson.ProductVersionItem item : scan.allItems().toList()) {
            Path file = dir.resolve(item.path());
            assertTrue(Files.isRegularFile(file), item.path());
            assertEquals(Files.size(file), item.size(), item.path());
            assertTrue(item.sha256().matches("[0-9a-f]{64}"), "64 lowercase hex: " + item.sha256());
            assertEquals(Digests.sha256(file), item.sha256(), item.path());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"20241125_14:05", "20240229_00:00", "20991231_23:59"})
    void versionKeysStartWithTheDateClientsParse(String version) throws Exception {
        repo.containerImage("fedora:40:amd64:default", version);

        TestRepository.Scan scan = repo.scan();

        assertEquals(List.of(version), List.copyOf(scan.product("fedora:40:amd64:default").versions().keySet()));
        for (GoJson.Product product : scan.images().products().values()) {
            for (String key : product.versions().keySet()) {
                // The client drops a version whose first eight characters are not a date, without a word.
                LocalDate.parse(key.substring(0, 8), CLIENT_DATE);
            }
        }
    }

    @Test
    void versionsSortAsStringsInDateOrderSoAliasesPointAtTheNewest() throws Exception {
        repo.containerImage(UBUNTU, "20241201_09:30");

        List<String> versions = List.copyOf(repo.scan().product(UBUNTU).versions().keySet());

        assertEquals(List.of(V1, V2, "20241201_09:30"), versions.stream().sorted().toList());
    }

    /** The contract tests are only as strict as the decoder: prove it rejects what Go rejects. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"products\":{\"p\":{\"aliases\":[\"a\",\"b\"]}}}",
            "{\"products\":{\"p\":{\"versions\":{\"v\":{\"items\":{\"i\":{\"size\":\"5\"}}}}}}}",
            "{\"products\":{\"p\":{\"versions\":{\"v\":{\"items\":{\"i\":{\"size\":1.5}}}}}}}",
            "{\"products\":{\"p\":{\"arch\":64}}}",
            "{\"products\":[]}"})
    void theGoStyleDecoderRejectsTypeMismatches(String json) {
        assertThrows(IOException.class, () -> GoJson.images(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theGoStyleDecoderIgnoresUnknownKeysLikeGo() throws Exception {
        GoJson.Products products = GoJson.images("{\"content_id\":\"images\",\"extra\":{\"x\":[1]}}"
                .getBytes(StandardCharsets.UTF_8));

        assertEquals("images", products.contentId());
    }
}
