package dev.simplestreams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DataRoot turns names from the outside world (upload file names, URLs) into files. Predecessor defect: an
 * upload name starting with '/' escaped the images tree and could overwrite streams/v1/images.json.
 */
class DataRootTest {

    @TempDir
    Path dir;

    private Path root;
    private DataRoot dataRoot;

    @BeforeEach
    void createRoot() throws IOException {
        root = dir.resolve("root");
        dataRoot = new DataRoot(root);
        root = dataRoot.path();
        // Something outside the root worth protecting, and links pointing at it from inside.
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/secret"), "not yours");
        Files.createDirectories(root.resolve("images/ubuntu"));
        Files.createSymbolicLink(root.resolve("images/ubuntu/linked"), dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("images/ubuntu/file-link"), dir.resolve("outside/secret"));
    }

    /** A refused path, and a word the message must contain so the uploader learns what is wrong. */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(null, "empty"),
                Arguments.of("", "empty"),
                Arguments.of("..", "'..'"),
                Arguments.of("../outside/secret", "'..'"),
                Arguments.of("images/../../outside/secret", "'..'"),
                Arguments.of("images/ubuntu/..", "'..'"),
                Arguments.of("images/./lxd.tar.xz", "'.'"),
                Arguments.of(".", "'.'"),
                Arguments.of("images//lxd.tar.xz", "empty"),
                Arguments.of("images/", "empty"),
                Arguments.of("/etc/passwd", "relative"),
                Arguments.of("/streams/v1/images.json", "relative"),
                Arguments.of("//host/share", "relative"),
                Arguments.of("images\\..\\..\\outside", "backslash"),
                Arguments.of("images\\lxd.tar.xz", "backslash"),
                Arguments.of("images/a\u0000b", "control"),
                Arguments.of("images/a\nb", "control"),
                Arguments.of("images/a\rb", "control"),
                Arguments.of("images/a\tb", "control"),
                Arguments.of("images/a\u001bb", "control"),
                Arguments.of("images/a\u007fb", "control"),
                Arguments.of(".state/hash-cache.json", "hidden"),
                Arguments.of("images/.hidden/lxd.tar.xz", "hidden"),
                Arguments.of("images/ubuntu/.rootfs.squashfs.Ab12Cd", "hidden"),
                Arguments.of("images/ubuntu/linked/secret", "symbolic link"),
                Arguments.of("images/ubuntu/linked", "symbolic link"),
                Arguments.of("images/ubuntu/file-link", "symbolic link"),
                Arguments.of("images/" + "a".repeat(256), "255"),
                Arguments.of("images/" + "abcdefgh/".repeat(128) + "x", "1024"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void unsafePathsAreRefusedWithAMessageThatSaysWhy(String relative, String inMessage) {
        UnsafePathException refused = assertThrows(UnsafePathException.class, () -> dataRoot.resolve(relative));

        assertTrue(refused.getMessage().contains(inMessage),
                "message for " + printable(relative) + " should mention " + inMessage + ": " + refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "images/ubuntu/jammy/amd64/default/20241125_12:00/lxd.tar.xz",
            "images/ubuntu/jammy/amd64/default/20241125_12:00/rootfs.20241124_12:00.vcdiff",
            "streams/v1/index.json",
            "images/ubuntu/not-yet-created/deeper/file",
            "images/with space/ünïcödé",
            "images/a..b/c...d",
            "images/trailing-dot."})
    void goodPathsResolveUnderTheRoot(String relative) throws Exception {
        Path resolved = dataRoot.resolve(relative);

        assertTrue(resolved.startsWith(root), resolved.toString());
        assertEquals(root.resolve(relative), resolved);
        assertEquals(relative, dataRoot.relative(resolved));
    }

    @Test
    void aSegmentOfExactly255CharactersIsAllowed() throws Exception {
        String longest = "images/" + "a".repeat(255);

        assertEquals(root.resolve(longest), dataRoot.resolve(longest));
    }

    @Test
    void aPathOfExactly1024CharactersIsAllowed() throws Exception {
        String path = "images/" + (("b".repeat(254) + "/").repeat(3)) + "c".repeat(1024 - 7 - 3 * 255);
        assertEquals(1024, path.length());

        assertTrue(dataRoot.resolve(path).startsWith(root));
    }

    @Test
    void aSymlinkedDirectoryCreatedAfterACheckIsStillRefusedOnTheNextResolve() throws Exception {
        Path ok = dataRoot.resolve("images/debian/bookworm/file");
        assertTrue(ok.startsWith(root));
        Files.createDirectories(root.resolve("images"));
        Files.createSymbolicLink(root.resolve("images/debian"), dir.resolve("outside"));

        assertThrows(UnsafePathException.class, () -> dataRoot.resolve("images/debian/bookworm/file"));
    }

    @Test
    void theRootItselfMayBeASymlink() throws Exception {
        Path link = dir.resolve("root-link");
        Files.createSymbolicLink(link, root);

        DataRoot throughLink = new DataRoot(link);

        assertEquals(root, throughLink.path());
        assertEquals(root.resolve("images/x"), throughLink.resolve("images/x"));
        assertFalse(Files.exists(throughLink.resolve("images/x")));
    }

    private static String printable(String s) {
        return s == null ? "null" : s.chars().mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", c)
                : String.valueOf((char) c)).reduce("", String::concat);
    }
}
