package dev.simplestreams.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The access file's rules: what a file must say to be used, who authenticates, and who may write where. */
class AccessFileTest {

    static final String ALICE_HASH = PasswordHashes.hash("alice's secret");
    static final String BOB_HASH = PasswordHashes.hash("bob's secret");
    static final String TEAMS = """
            {"users": {"alice": {"password_hash": "%s", "roles": ["team-a"]},
                       "bob": {"password_hash": "%s", "roles": ["team-b"]}},
             "writers": [{"roles": ["team-a"], "may": ["create", "overwrite", "delete"], "under": ["images/team-a"]},
                         {"users": ["bob"], "may": ["create"], "under": ["images/team-b/", "images/shared/"]},
                         {"roles": ["release"], "may": ["overwrite"], "under": ["images/shared/"]}]}
            """.formatted(ALICE_HASH, BOB_HASH);
    static final AccessRules RULES = parse(TEAMS);

    static Stream<Arguments> unusableFiles() {
        String hash = "\"" + ALICE_HASH + "\"";
        return Stream.of(
                // the file, what the refusal must say
                row("{", "not valid JSON"),
                row("[]", "one JSON object"),
                row("{\"user\": {}}", "unknown key 'user'; known keys: catalog, users, views, writers"),
                row("{\"users\": {\"alice\": {\"password\": \"secret\"}}}",
                        "users.alice has the unknown key 'password'"),
                row("{\"users\": {\"alice\": {\"roles\": []}}}", "users.alice.password_hash is missing; make one with"),
                row("{\"users\": {\"alice\": {\"password_hash\": \"secret\"}}}", "the file holds hashes only"),
                row("{\"users\": {\"alice\": {\"password_hash\": \"0011223344556677$10$"
                        + "00112233445566778899aabbccddeeff\"}}}", "fewer than 1000 iterations"),
                row("{\"users\": {\"al:ice\": {\"password_hash\": " + hash + "}}}", "users.al:ice: a user name is"),
                row("{\"users\": {\"alice\": {\"password_hash\": " + hash + ", \"roles\": \"team-a\"}}}",
                        "users.alice.roles must be an array"),
                row("{\"writers\": {}}", "writers must be an array"),
                row("{\"writers\": [{\"may\": [\"create\"], \"under\": [\"images/a/\"]}]}",
                        "names no users and no roles"),
                row("{\"writers\": [{\"users\": [\"a\"], \"may\": [\"write\"], \"under\": [\"images/a/\"]}]}",
                        "writers[0].may: 'write' is not an operation"),
                row("{\"writers\": [{\"users\": [\"a\"], \"may\": [], \"under\": [\"images/a/\"]}]}",
                        "writers[0].may must be a non-empty array"),
                row("{\"writers\": [{\"users\": [\"a\"], \"may\": [\"create\"], \"under\": [\"team-a/\"]}]}",
                        "'team-a/' is not a path prefix under images/"),
                row("{\"writers\": [{\"users\": [\"a\"], \"may\": [\"create\"], \"under\": [\"images/../x/\"]}]}",
                        "is not a path prefix"),
                row("{\"writers\": [{\"users\": [\"a\"], \"may\": [\"create\"], \"under\": [\"images/a/\"], "
                        + "\"when\": 1}]}", "writers[0] has the unknown key 'when'"),
                row("{\"views\": {\"Team A\": {}}}", "views.Team A: a view's name is its URL"),
                row("{\"views\": {\"a\": {\"token_sha256\": [\"my-token\"]}}}", "never the token"),
                row("{\"views\": {\"a\": {\"images\": [{\"distro\": \"debian\"}]}}}",
                        "views.a.images[0] has the unknown key 'distro'"),
                row("{\"views\": {\"a\": {\"public\": \"yes\"}}}", "views.a.public must be true or false"),
                row("{\"catalog\": {\"readers\": [\"x\"]}}", "catalog has the unknown key 'readers'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unusableFiles")
    void aFileThatCannotBeUsedSaysWhatIsWrong(String file, String message) {
        AccessFileException e = assertThrows(AccessFileException.class, () -> AccessFile.parse(bytes(file)));
        assertTrue(e.getMessage().contains(message), e::getMessage);
        assertFalse(e.getMessage().contains("secret") && !message.contains("secret"), e::getMessage);
    }

    static Stream<Arguments> writes() {
        return Stream.of(
                // user (null: realm user with the given role), operation, path, allowed
                row("alice", Operation.CREATE, "images/team-a/os/1/amd64/default/20260101_00:00/lxd.tar.xz", true),
                row("alice", Operation.OVERWRITE, "images/team-a/os/1/amd64/default/20260101_00:00/lxd.tar.xz", true),
                row("alice", Operation.DELETE, "images/team-a/os/1/amd64/default/20260101_00:00", true),
                // "images/team-a" became "images/team-a/": it does not cover team-ab.
                row("alice", Operation.CREATE, "images/team-ab/os/1/amd64/default/20260101_00:00/lxd.tar.xz", false),
                row("alice", Operation.CREATE, "images/team-b/os/1/amd64/default/20260101_00:00/lxd.tar.xz", false),
                row("bob", Operation.CREATE, "images/team-b/os/1/amd64/default/20260101_00:00/lxd.tar.xz", true),
                row("bob", Operation.CREATE, "images/shared/os/1/amd64/default/20260101_00:00/lxd.tar.xz", true),
                row("bob", Operation.OVERWRITE, "images/team-b/os/1/amd64/default/20260101_00:00/lxd.tar.xz", false),
                row("bob", Operation.DELETE, "images/team-b/os/1/amd64/default/20260101_00:00", false),
                row("bob", Operation.DELETE, "images/team-a/os/1/amd64/default/20260101_00:00", false),
                row("role:release", Operation.OVERWRITE, "images/shared/os/1/amd64/default/20260101_00:00/x", true),
                row("role:release", Operation.CREATE, "images/shared/os/1/amd64/default/20260101_00:00/x", false),
                row("role:" + WriteScope.UPLOADER_ROLE, Operation.DELETE, "images/any/1/amd64/default/20260101_00:00",
                        true),
                // A realm grants scopes by role names.
                row("role:simplestreams-delete:images/team-c/", Operation.DELETE,
                        "images/team-c/os/1/amd64/default/20260101_00:00", true),
                row("role:simplestreams-delete:images/team-c/", Operation.CREATE,
                        "images/team-c/os/1/amd64/default/20260101_00:00/x", false),
                row("role:simplestreams-delete:images/team-c/", Operation.DELETE,
                        "images/team-cd/os/1/amd64/default/20260101_00:00", false));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("writes")
    void writersWriteOnlyWithinTheirScopes(String who, Operation operation, String path, boolean allowed) {
        WriteScope scope = RULES.scopeOf(caller(who));
        assertEquals(allowed, scope.allows(operation, path));
        assertEquals(allowed, scope.check(operation, path).isEmpty());
    }

    @Test
    void aRefusalNamesTheUserTheOperationAndWhereTheyMayWrite() {
        Refusal refusal = RULES.scopeOf(caller("bob")).check(Operation.DELETE, "images/team-a/x/1/amd64/default/v")
                .orElseThrow();
        assertEquals(new Refusal("bob", "delete", "images/team-a/x/1/amd64/default/v", Map.of(
                "create", List.of("images/team-b/", "images/shared/"), "overwrite", List.of(), "delete", List.of())),
                refusal);
        assertTrue(refusal.message().startsWith("user 'bob' may not delete images/team-a/x/1/amd64/default/v: it may "
                + "create under images/team-b/, images/shared/ ("), refusal::message);
    }

    @Test
    void aDirectoryAboveOrInsideAScopeMayBeWrittenWithinBeforeTheFilesAreKnown() {
        WriteScope bob = RULES.scopeOf(caller("bob"));
        Set<Operation> uploads = Set.of(Operation.CREATE, Operation.OVERWRITE);
        assertTrue(bob.mayWriteWithin("images/", uploads), "a POST to images/ may name files under images/team-b/");
        assertTrue(bob.mayWriteWithin("images/team-b/os/1/amd64/default/v/lxd.tar.xz", uploads));
        assertFalse(bob.mayWriteWithin("images/team-a/", uploads));
        assertFalse(bob.mayWriteWithin("images/team-b/", Set.of(Operation.DELETE)));
        assertTrue(RULES.scopeOf(caller("role:simplestreams-create:images/")).mayWriteWithin("images/", uploads));
    }

    @Test
    void onlyTheRightPasswordAuthenticatesAndTheUserKeepsTheFilesRoles() {
        Optional<Caller> alice = RULES.authenticate("alice", "alice's secret");
        assertTrue(alice.isPresent());
        assertTrue(alice.get().isInRole("team-a"));
        assertFalse(alice.get().isInRole("team-b"));
        assertTrue(RULES.authenticate("alice", "alice's secret").isPresent(), "remembered, still valid");
        assertTrue(RULES.authenticate("alice", "bob's secret").isEmpty());
        assertTrue(RULES.authenticate("alice", "alice's secret ").isEmpty());
        assertTrue(RULES.authenticate("carol", "alice's secret").isEmpty());
        assertTrue(RULES.authenticate("bob", "bob's secret").isPresent());
    }

    @Test
    void aHashFromTomcatsOwnHandlerIsAccepted() throws Exception {
        org.apache.catalina.realm.SecretKeyCredentialHandler tomcat = new org.apache.catalina.realm
                .SecretKeyCredentialHandler();
        tomcat.setAlgorithm(PasswordHashes.ALGORITHM);
        tomcat.setKeyLength(PasswordHashes.KEY_BITS);
        tomcat.setIterations(PasswordHashes.ITERATIONS);
        String file = "{\"users\": {\"carol\": {\"password_hash\": \"" + tomcat.mutate("pä ss:wörd") + "\"}}}";
        assertTrue(AccessFile.parse(bytes(file)).authenticate("carol", "pä ss:wörd").isPresent());
    }

    @Test
    void privateViewsLeaveTheRootAndAViewCoversOnlyItsProducts() {
        String token = "a-long-random-token";
        AccessRules rules = parse("""
                {"views": {"team-a": {"roles": ["team-a"], "under": ["images/team-a/"], "token_sha256": ["%s"]},
                           "debian": {"public": true, "images": [{"os": "debian", "arch": "amd64"}]},
                           "old": {"users": ["bob"], "images": [{"os": "ubuntu", "release": ["20.04", "18.04"]}]}}}
                """.formatted(dev.simplestreams.catalog.Sha256.hex(bytes(token))));
        View teamA = rules.view("team-a").orElseThrow();
        assertEquals(teamA, rules.viewForToken(token).orElseThrow());
        assertTrue(rules.viewForToken(token + "x").isEmpty());
        assertTrue(teamA.coversPath("images/team-a/x/1/amd64/default/20260101_00:00/rootfs.squashfs"));
        assertFalse(teamA.coversPath("images/team-ab/x/1/amd64/default/20260101_00:00/rootfs.squashfs"));
        View debian = rules.view("debian").orElseThrow();
        assertTrue(debian.coversPath("images/debian/12/x86_64/default/20260101_00:00/disk.qcow2"), "either name");
        assertFalse(debian.coversPath("images/debian/12/arm64/default/20260101_00:00/disk.qcow2"));
        assertTrue(debian.mayBeReadBy(null), "a public view needs no login");
        assertFalse(teamA.mayBeReadBy(null));
        assertTrue(teamA.mayBeReadBy(new Caller("carol", "team-a"::equals)));
        assertTrue(rules.limitsReading());
        assertFalse(rules.rootShowsPath("images/team-a/x/1/amd64/default/20260101_00:00/lxd.tar.xz"));
        assertFalse(rules.rootShowsPath("images/ubuntu/18.04/amd64/default/20260101_00:00/lxd.tar.xz"));
        assertTrue(rules.rootShowsPath("images/ubuntu/22.04/amd64/default/20260101_00:00/lxd.tar.xz"));
        assertTrue(rules.rootShowsPath("images/debian/12/amd64/default/20260101_00:00/lxd.tar.xz"), "public view");
        assertFalse(rules.rootShowsPath("images/team-a"), "above a product: nothing to serve");
        assertFalse(RULES.limitsReading(), "no views: reads as before");
    }

    @Test
    void aViewsCatalogGetsANewTagWhenOnlyTheRulesChangeWhatItHolds() {
        SortedMap<String, Product> products = new TreeMap<>();
        for (String os : List.of("team-a", "team-b")) {
            String dir = "images/" + os + "/x/amd64/default/20261101_00:00/";
            SortedMap<String, Item> items = new TreeMap<>();
            items.put("lxd.tar.xz", Item.file("lxd.tar.xz", dir + "lxd.tar.xz", 1, "a".repeat(64)));
            items.put("rootfs.squashfs", Item.file("squashfs", dir + "rootfs.squashfs", 1, "b".repeat(64)));
            SortedMap<String, Version> versions = new TreeMap<>();
            versions.put("20261101_00:00", new Version(items, List.of("c".repeat(64)), null));
            products.put(os + ":x:amd64:default", new Product(os + "/x", "amd64", os, "x", null, null, "default",
                    null, null, null, null, versions));
        }
        PublishedCatalog full = new PublishedCatalog(products, List.of(), new byte[0], new byte[0],
                Instant.parse("2026-11-01T00:00:00Z"));
        String view = "{\"views\": {\"v\": {\"users\": [\"bob\"], \"under\": [%s]}}}";
        AccessRules one = parse(view.formatted("\"images/team-a/\""));
        AccessRules both = parse(view.formatted("\"images/team-a/\", \"images/team-b/\""));

        for (String path : List.of(CatalogJson.INDEX_PATH, CatalogJson.IMAGES_PATH)) {
            String tagOfOne = one.viewCatalog(one.view("v").orElseThrow(), full).tag(path);
            String tagOfBoth = both.viewCatalog(both.view("v").orElseThrow(), full).tag(path);

            assertFalse(tagOfOne.equals(tagOfBoth), "a cached copy of the smaller view must not be revalidated");
            assertEquals(tagOfOne, parse(view.formatted("\"images/team-a/\"")).viewCatalog(
                    one.view("v").orElseThrow(), full).tag(path), "the same content, the same tag");
        }
    }

    /** "name" is a user of the file; "role:R" a realm user holding only role R. */
    static Caller caller(String who) {
        if (who.startsWith("role:")) {
            return new Caller("realm-user", who.substring("role:".length())::equals);
        }
        return RULES.authenticate(who, who + "'s secret").orElseThrow();
    }

    static AccessRules parse(String file) {
        try {
            return AccessFile.parse(bytes(file));
        } catch (AccessFileException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Arguments row(Object... values) {
        return Arguments.of(values);
    }
}
