package dev.simplestreams.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.mirror.MirrorConfig.ImageKind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The configuration file: the README's examples read as documented, and every mistake named. */
class MirrorConfigTest {

    private static MirrorConfig parse(String text) throws MirrorConfigException {
        return MirrorConfig.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheDocumentedForm() throws Exception {
        MirrorConfig config = parse("""
                ca_file: /etc/ca.crt
                remotes:
                  - name: lxc
                    url: https://images.linuxcontainers.org
                    keep: 2
                    images:
                      - {os: Debian, release: [bookworm, trixie], arch: amd64, type: container}
                      - {os: alpine, type: vm}
                """);
        assertEquals(Path.of("/etc/ca.crt"), config.caFile());
        MirrorConfig.Remote remote = config.remotes().get(0);
        assertEquals(URI.create("https://images.linuxcontainers.org/"), remote.url(), "a trailing '/' is added");
        assertEquals(2, remote.keep());
        assertTrue(remote.wants("debian", "trixie", "amd64", "default", ImageKind.CONTAINER), "case-insensitive");
        assertFalse(remote.wants("debian", "trixie", "amd64", "default", ImageKind.VM));
        assertFalse(remote.wants("debian", "bullseye", "amd64", "default", null));
        assertTrue(remote.wants("alpine", "3.22", "arm64", "cloud", ImageKind.VM));
        assertFalse(remote.wants("alpine", "3.22", "arm64", "cloud", ImageKind.CONTAINER));
        assertTrue(remote.wants("alpine", "3.22", "arm64", "cloud", null), "names alone: some type may match");
    }

    @Test
    void aReplicaNeedsOnlyNameAndUrl() throws Exception {
        MirrorConfig.Remote remote = parse("{\"remotes\": [{\"name\": \"primary\", \"url\": \"http://10.0.0.1:8080/\"}]}")
                .remotes().get(0);
        assertEquals(0, remote.keep());
        assertNull(remote.keyring(), "read unsigned, as before keyrings");
        assertTrue(remote.wants("anything", "at", "all", "x", ImageKind.VM));
    }

    @Test
    void anUnquotedReleaseIsMatchedAsWrittenNotAsAFloat() throws Exception {
        MirrorConfig.Remote remote = parse("remotes: [{name: a, url: 'https://x/', images: [{os: alpine, release: "
                + "[3.20, 24.04, 12]}]}]").remotes().get(0);
        assertTrue(remote.wants("alpine", "3.20", "amd64", "default", null));
        assertFalse(remote.wants("alpine", "3.2", "amd64", "default", null));
        assertTrue(remote.wants("alpine", "24.04", "amd64", "default", null));
        assertTrue(remote.wants("alpine", "12", "amd64", "default", null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "remotes: []                                                   | 'remotes' must be a non-empty list",
        "remote: [{name: a, url: 'https://x/'}]                        | unknown key 'remote'",
        "remotes: [{name: A, url: 'https://x/'}]                       | remote name 'A' is not allowed",
        "remotes: [{name: a}]                                          | 'url' is missing",
        "remotes: [{name: a, url: 'ftp://x/'}]                         | use an http or https URL",
        "remotes: [{name: a, url: 'https://u:p@x/'}]                   | without query or credentials",
        "remotes: [{name: a, url: 'https://x/', keep: -1}]             | 'keep' must be a whole number",
        "remotes: [{name: a, url: 'https://x/', keep: two}]            | 'keep' must be a whole number",
        "remotes: [{name: a, url: 'https://x/', images: [{oss: x}]}]   | unknown key 'oss'",
        "remotes: [{name: a, url: 'https://x/', images: [{type: lxc}]}] | type 'lxc' is neither container nor vm",
        "remotes: [{name: a, url: 'https://x/'}, {name: a, url: 'https://y/'}] | 'a' is used twice",
        "remotes: [{name: a, url: 'https://x/', keyring: /nonexistent/a.gpg}] | keyring /nonexistent/a.gpg does not",
        "remotes: [{name: a, url: 'https://x/', keyring: /etc/hostname}] | is not an OpenPGP keyring of public keys",
        "'remotes: [unclosed'                                          | not valid YAML or JSON",
        "remotes: 5                                                    | 'remotes' must be a non-empty list",
        "remotes: [{name: a, url: 'https://x/'}, 5]                    | each remote must be a mapping with name",
        "remotes: [{name: a, url: 'https://x/', foo: 1}]               | remote 'a': unknown key 'foo'; allowed: images,",
        "remotes: [{name: 5, url: 'https://x/'}]                       | remote 1: 'name' must be a string",
        "remotes: [{name: a, url: 5}]                                  | remote 'a': 'url' must be a string",
        "remotes: [{name: a, url: 'https://x/', keep: '2'}]            | remote 'a': 'keep' must be a whole number",
        "remotes: [{name: a, url: 'https://x/', keep: 2.5}]            | remote 'a': 'keep' must be a whole number",
        "remotes: [{name: a, url: 'https://x/', images: 5}]            | remote 'a': 'images' must be a list of",
        "remotes: [{name: a, url: 'https://x/', images: [{}, 5]}]      | remote 'a': each entry of 'images' must be",
        "remotes: [{name: a, url: 'https://x/', images: [{}, {oss: x}]}] | remote 'a', images entry 2: unknown key",
        "remotes: [{name: a, url: 'https://x/', images: [{}, {oss: x}]}] | allowed: arch, os, release, type, variant",
        "remotes: [{name: a, url: 'https://x/', images: [{os: {x: 1}}]}] | remote 'a', images entry 1: 'os' must be",
        "remotes: [{name: a, url: 'https://x/', keyring: [x]}]         | remote 'a': 'keyring' must be a string",
        "{ca_file: 5, remotes: [{name: a, url: 'https://x/'}]}         | the top level: 'ca_file' must be a string",
    })
    void namesEveryMistake(String text, String message) {
        MirrorConfigException e = assertThrows(MirrorConfigException.class, () -> parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
