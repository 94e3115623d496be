package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.DemoTree;
import dev.simplestreams.testing.Eventually;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.TomcatServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The catalogue page and /metrics over HTTP on a real Tomcat, with an uploader configured. */
class PageIT {

    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("uploader:secret".getBytes(StandardCharsets.UTF_8));
    private static final String NOBLE = "/images/ubuntu/noble/amd64/default/20261125_04:12/rootfs.squashfs";

    @TempDir
    static Path data;
    static TomcatServer server;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        DemoTree.write(data);
        DemoTree.writeHostile(data);
        server = TomcatServer.start(data, Map.of("UPLOAD_USER", "uploader", "UPLOAD_PASSWORD", "secret",
                "INDEX_QUIET_MS", "100"));
        // The product's row, not just its name: the problem list names evil/one too, before the product is in.
        // Written last, its files settle last: once it is listed, the whole tree is.
        waitFor("/", "data-product=\"evil:one:amd64:default\"");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void listsEveryProductWithItsFacts() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html;charset=UTF-8", page.headers().firstValue("content-type").orElse(null));
        assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("script-src 'sha256-"));
        String html = page.body();
        for (String fact : new String[] {"data-product=\"ubuntu:noble:amd64:default\"",
                "data-product=\"ubuntu:noble:arm64:default\"", "data-product=\"fedora:41:amd64:default\"",
                ">bookworm<", ">arm64<", ">cloud<", ">container, VM<", "2026-11-25 04:12",
                "2026-11-20 04:10<br><small class=\"source\">mirrored from upstream</small>", "data-v=\"2\">2</td>",
                "<code>ubuntu/noble/amd64/default</code>", "<code>ubuntu/noble</code>", "305 KiB"}) {
            assertTrue(html.contains(fact), () -> "page lacks " + fact);
        }
        // the fingerprints of images.json's versions, as lxc image list shows them in full
        String images = get("/streams/v1/images.json").body();
        String fingerprint = images.replaceAll("(?s).*\"combined_squashfs_sha256\" *: *\"([0-9a-f]{64})\".*", "$1");
        assertTrue(html.contains("<code>" + fingerprint + "</code>"), "fingerprint " + fingerprint);
    }

    @Test
    void hostileMetadataStaysText() throws Exception {
        String html = get("/").body();
        assertFalse(html.contains("<script>alert"), "os override escaped");
        assertFalse(html.contains("<img src=x"), "description escaped");
        assertFalse(html.contains("<b onmouseover"), "problem path escaped");
        assertTrue(html.contains("&lt;script&gt;alert(&quot;os&quot;)&lt;/script&gt;&#39;x"));
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39;"));
        assertTrue(html.contains("<section id=\"problems\">"), "the bad upload is reported");
        assertTrue(html.contains("&lt;b onmouseover=alert(2)&gt;"));
        // exactly one script element: the page's own
        assertEquals(1, html.split("<script>", -1).length - 1);
    }

    static Stream<Arguments> addresses() {
        return Stream.of(
                // X-Forwarded-Proto, X-Forwarded-Host, expected base URL and remote name
                Arguments.of(null, null, "http://127.0.0.1:" + server.port(), "myimages"),
                Arguments.of("https", "images.example.com", "https://images.example.com", "images"),
                Arguments.of("https, http", "images.example.com:443, proxy.local", "https://images.example.com",
                        "images"),
                Arguments.of("http", "mirror.example.org:8080", "http://mirror.example.org:8080", "mirror"),
                Arguments.of("gopher", "x.example.com\"><script>", "http://127.0.0.1:" + server.port(), "myimages"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("addresses")
    void commandsNameThePublicUrl(String proto, String host, String base, String remote) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/"));
        if (proto != null) {
            request.header("X-Forwarded-Proto", proto).header("X-Forwarded-Host", host);
        }
        String html = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String command : new String[] {
                "lxc remote add " + remote + " " + base + " --protocol=simplestreams",
                "incus remote add " + remote + " " + base + " --protocol=simplestreams",
                "lxc launch " + remote + ":evil/one/amd64/default c1",
                "lxc image copy " + remote + ":evil/one/amd64/default local:",
                "lxc launch " + remote + ":alpine/3.20/amd64/default",
                "-F &quot;upload=@rootfs.squashfs;filename=$dir/rootfs.squashfs&quot; " + base + "/images/",
                "lxc launch " + remote + ":debian/bookworm/amd64/cloud"}) {
            assertTrue(html.contains(command), () -> "page lacks " + command);
        }
        assertFalse(html.contains("<script>\""));
    }

    @ParameterizedTest(name = "GET {0} needs no credentials")
    @MethodSource("readEndpoints")
    void readsNeedNoCredentials(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), path);
        assertTrue(response.headers().firstValue("www-authenticate").isEmpty());
    }

    static Stream<String> readEndpoints() {
        return Stream.of("/", "/metrics", "/healthz", "/readyz", "/status", "/streams/v1/index.json", NOBLE);
    }

    @Test
    void imagesAreStillServedBesideThePage() throws Exception {
        assertEquals(404, get("/index.html").statusCode());
        assertEquals(404, get("/images/").statusCode());
        assertEquals(312_000, get(NOBLE).body().getBytes(StandardCharsets.ISO_8859_1).length);
    }

    @Test
    void metricsFollowUploadsAndDownloads() throws Exception {
        String before = get("/metrics").body();
        assertTrue(before.contains("# TYPE simplestreams_uploaded_bytes_total counter"), before);
        for (String name : new String[] {"simplestreams_indexing_runs_total", "simplestreams_indexing_seconds_total",
                "simplestreams_problems", "simplestreams_files", "simplestreams_catalogue_writes_total",
                "simplestreams_indexing_last_success_timestamp_seconds", "jvm_memory_used_bytes", "jvm_threads_current",
                "jvm_gc_collection_seconds_count", "process_cpu_seconds_total", "process_open_fds"}) {
            assertTrue(before.contains("\n" + name), () -> "metrics lack " + name);
        }
        assertTrue(value(before, "simplestreams_products") >= 7);
        assertTrue(value(before, "simplestreams_indexing_runs_total") >= 1);
        assertEquals(1, value(before, "simplestreams_problems"));

        byte[] upload = RootFiles.squashfs(new byte[12_345 - 96]);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(
                        server.uri("/images/ubuntu/noble/amd64/default/20261126_00:00/rootfs.squashfs"))
                .header("Authorization", AUTH).PUT(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        get(NOBLE);
        HttpResponse<String> range = HTTP.send(HttpRequest.newBuilder(server.uri(NOBLE)).header("Range", "bytes=0-9")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(206, range.statusCode());

        String after = get("/metrics").body();
        assertEquals(12_345, value(after, "simplestreams_uploaded_bytes_total") - value(before,
                "simplestreams_uploaded_bytes_total"));
        assertEquals(1, value(after, "simplestreams_uploaded_files_total{result=\"created\"}")
                - value(before, "simplestreams_uploaded_files_total{result=\"created\"}"));
        assertEquals(1, value(after, "simplestreams_upload_requests_total{status=\"201\"}")
                - value(before, "simplestreams_upload_requests_total{status=\"201\"}"));
        assertEquals(1, value(after, "simplestreams_downloads_total{status=\"200\"}")
                - value(before, "simplestreams_downloads_total{status=\"200\"}"));
        assertEquals(1, value(after, "simplestreams_downloads_total{status=\"206\"}")
                - value(before, "simplestreams_downloads_total{status=\"206\"}"));
        assertEquals(312_000 + 10, value(after, "simplestreams_download_bytes_total")
                - value(before, "simplestreams_download_bytes_total"));
    }

    @Test
    void metricsCanBeSwitchedOff(@TempDir Path other) throws Exception {
        try (TomcatServer off = TomcatServer.start(other, Map.of("METRICS", "off"))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(off.uri("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode());
            assertFalse(response.body().contains("jvm_"));
        }
    }

    /** The sample's value; 0 when the series does not exist yet (a labelled counter before its first event). */
    private static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    private static void waitFor(String path, String text) throws Exception {
        Eventually.await(path + " to show " + text, () -> get(path),
                r -> r.statusCode() == 200 && r.body().contains(text));
    }
}
