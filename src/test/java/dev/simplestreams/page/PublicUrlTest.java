package dev.simplestreams.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the page finds the URL clients should use, from the request and what a proxy says. */
class PublicUrlTest {

    @ParameterizedTest(name = "{0} | {1} | {2} {3} -> {4}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            // X-Forwarded-Proto | X-Forwarded-Host | scheme | Host | expected base | remote name
            "-            | -                           | http  | 127.0.0.1:8080     | http://127.0.0.1:8080    | myimages",
            "https        | images.example.com          | http  | 10.0.0.5:8080      | https://images.example.com | images",
            "HTTPS        | Images.Example.com:443      | http  | 10.0.0.5:8080      | https://images.example.com | images",
            "https, http  | a.example.com, b.example    | http  | x:1                | https://a.example.com    | a",
            "https        | -                           | http  | images.example.com | https://images.example.com | images",
            "http         | -                           | http  | images.example.com:80 | http://images.example.com | images",
            "ftp          | evil.com/\"><script>        | http  | localhost:8080     | http://localhost:8080    | myimages",
            "-            | -                           | https | [::1]:8443         | https://[::1]:8443       | myimages",
            "-            | -                           | http  | bad host$(id)      | http://127.0.0.1:8080    | myimages"})
    void publicUrl(String proto, String forwardedHost, String scheme, String host, String base, String remote) {
        PublicUrl url = PublicUrl.of(proto, forwardedHost, scheme, host, "127.0.0.1", 8080);
        assertEquals(base, url.base());
        assertEquals(remote, url.remoteName());
    }

    @Test
    void withoutAnyUsableHostTheServerNameOrLocalhost() {
        assertEquals("http://[::1]:8080", PublicUrl.of(null, null, "http", null, "[::1]", 8080).base());
        assertEquals("http://localhost:8080", PublicUrl.of(null, null, "http", null, "0:0:0:0:0:0:0:1", 8080).base());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 | 0 B", "1023 | 1023 B", "1024 | 1.0 KiB", "312000 | 305 KiB", "1073741824 | 1.0 GiB",
            "5368709120 | 5.0 GiB", "53687091200 | 50 GiB"})
    void humanSizes(long bytes, String text) {
        assertEquals(text, CatalogPage.humanSize(bytes));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain | plain", "`<a href=\"x\">` | `&lt;a href=&quot;x&quot;&gt;`", "`it's & more` | `it&#39;s &amp; more`"})
    void escapes(String text, String html) {
        assertEquals(html, new Html(16).text(text).toString());
    }

    @ParameterizedTest(name = "PUBLIC_URL={0}")
    @CsvSource({"https://images.example.com, https://images.example.com",
            "https://images.example.com/, https://images.example.com",
            "HTTPS://127.0.0.1:8443, https://127.0.0.1:8443", "https://images.example.com:443, https://images.example.com"})
    void parsesAConfiguredAddress(String configured, String base) {
        assertEquals(base, PublicUrl.parse(configured).base());
    }

    @ParameterizedTest(name = "PUBLIC_URL={0}")
    @ValueSource(strings = {"images.example.com", "ftp://images.example.com", "https://images.example.com/sub",
            "https://", "https://a b"})
    void refusesAnythingElseSayingWhatItTakes(String configured) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicUrl.parse(configured));
        assertTrue(e.getMessage().contains("https://images.example.com"), e.getMessage());
    }
}
