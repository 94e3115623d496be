package dev.simplestreams.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The page from a model alone: a big catalogue, and the facts derived from items. */
class CatalogPageTest {

    private static final PublicUrl URL = new PublicUrl("https", "images.example.com");

    @Test
    void rendersEveryProductAndVersionOfABigCatalogue() {
        SortedMap<String, Product> products = new TreeMap<>();
        for (int p = 0; p < 400; p++) {
            SortedMap<String, Version> versions = new TreeMap<>();
            for (int v = 0; v < 10; v++) {
                String name = String.format("202611%02d_12:00", v + 1);
                String dir = "images/os" + p + "/r/amd64/default/" + name + "/";
                SortedMap<String, Item> items = new TreeMap<>();
                items.put("lxd.tar.xz", Item.file("lxd.tar.xz", dir + "lxd.tar.xz", 800, "a".repeat(64)));
                items.put("incus.tar.xz", Item.file("incus.tar.xz", dir + "lxd.tar.xz", 800, "a".repeat(64)));
                items.put("rootfs.squashfs", Item.file("squashfs", dir + "rootfs.squashfs", 300_000_000L,
                        "b".repeat(64)));
                items.put("disk.qcow2", Item.file("disk-kvm.img", dir + "disk.qcow2", 700_000_000L, "c".repeat(64)));
                versions.put(name, new Version(items, List.of("d".repeat(64), "e".repeat(64)), null));
            }
            products.put("os" + p + ":r:amd64:default", new Product("os" + p + "/r", "amd64", "os" + p, "r", null,
                    null, "default", null, null, null, null, versions));
        }
        PublishedCatalog catalog = new PublishedCatalog(products, List.of(new Problem("images/x", "why")),
                new byte[0], new byte[0], Instant.EPOCH);

        // Speed is the benchmark harness's business; this pins what a big catalogue renders to.
        String html = CatalogPage.render(catalog, URL, URL);
        assertEquals(400, html.split("<tr class=\"product\"", -1).length - 1);
        // each version once: metadata listed under two names counts once; both kinds of root make "container, VM"
        assertTrue(html.contains("<td class=\"num\">2026-11-10 12:00<br><small class=\"source\">uploaded</small></td>"
                + "<td>container, VM</td><td class=\"num\">954 MiB"), "one version row");
        assertTrue(html.contains("lxc launch images:os0/r\n") || html.contains("lxc launch images:os0/r</code>"));
        assertTrue(html.contains("<code>images/x</code>: why"));
    }

    @Test
    void aVmOnlyProductLaunchesWithVm() {
        SortedMap<String, Item> items = new TreeMap<>();
        items.put("lxd.tar.xz", Item.file("lxd.tar.xz", "images/a/b/amd64/default/20261101_00:00/lxd.tar.xz", 1, "f"));
        items.put("disk.qcow2", Item.file("disk-kvm.img", "images/a/b/amd64/default/20261101_00:00/disk.qcow2", 1, "g"));
        SortedMap<String, Version> versions = new TreeMap<>();
        versions.put("20261101_00:00", new Version(items, List.of("h".repeat(64)), null));
        SortedMap<String, Product> products = new TreeMap<>();
        products.put("a:b:amd64:default", new Product("a/b", "amd64", "a", "b", "B 1", null, "default", null, null, null, null,
                versions));
        String html = CatalogPage.render(new PublishedCatalog(products, List.of(), new byte[0], new byte[0],
                Instant.EPOCH), URL, URL);
        assertTrue(html.contains("lxc launch images:a/b --vm</code>"));
        assertTrue(html.contains(">b (B 1)</td>"));
        assertTrue(!html.contains("id=\"problems\""));
    }

    @Test
    void saysWhichVersionsAreMirroredAndFromWhere() {
        SortedMap<String, Version> versions = new TreeMap<>();
        for (String[] v : new String[][] {{"20261101_00:00", null}, {"20261102_00:00", "<b>up</b>"}}) {
            SortedMap<String, Item> items = new TreeMap<>();
            String dir = "images/a/b/amd64/default/" + v[0] + "/";
            items.put("lxd.tar.xz", Item.file("lxd.tar.xz", dir + "lxd.tar.xz", 1, "f"));
            items.put("rootfs.squashfs", Item.file("squashfs", dir + "rootfs.squashfs", 1, "g"));
            versions.put(v[0], new Version(items, List.of(v[0].substring(0, 8) + "h".repeat(56)), v[1]));
        }
        SortedMap<String, Product> products = new TreeMap<>();
        products.put("a:b:amd64:default", new Product("a/b", "amd64", "a", "b", null, null, "default", null, null, null, null,
                versions));
        String html = CatalogPage.render(new PublishedCatalog(products, List.of(), new byte[0], new byte[0],
                Instant.EPOCH), URL, URL);
        assertTrue(html.contains("2026-11-02 00:00<br><small class=\"source\">mirrored from &lt;b&gt;up&lt;/b&gt;</small>"),
                html);
        assertTrue(html.contains("2026-11-01 00:00<br><small class=\"source\">uploaded</small>"));
    }

    @Test
    void beforeTheFirstCatalogue() {
        assertTrue(CatalogPage.render(null, URL, URL).contains("being built"));
    }

    @Test
    void warnsThatClientsNeedHttpsWhenViewedOverPlainHttp() {
        PublishedCatalog empty = new PublishedCatalog(new TreeMap<>(), List.of(), new byte[0], new byte[0],
                Instant.EPOCH);
        String warning = "lxc and incus only accept HTTPS remotes";
        PublicUrl plain = new PublicUrl("http", "127.0.0.1:8080");
        assertTrue(CatalogPage.render(empty, plain, plain).contains(warning));
        assertTrue(!CatalogPage.render(empty, URL, URL).contains(warning));
        String configured = CatalogPage.render(empty, plain, PublicUrl.parse("https://127.0.0.1:8443/"));
        assertTrue(!configured.contains(warning), "PUBLIC_URL names the HTTPS address");
        assertTrue(configured.contains("lxc remote add myimages https://127.0.0.1:8443 --protocol"), configured);
        assertTrue(configured.contains("-F &quot;upload=@meta.tar.xz;filename=$dir/lxd.tar.xz&quot; "
                + "http://127.0.0.1:8080/images/"), "uploads go where the page was opened");
    }

    @Test
    void anEmptyCatalogueShowsFirstStepsInsteadOfAnEmptyTable() {
        PublishedCatalog empty = new PublishedCatalog(new TreeMap<>(), List.of(), new byte[0], new byte[0],
                Instant.EPOCH);
        String html = CatalogPage.render(empty, URL, URL);
        assertTrue(html.contains("No images yet"), html);
        assertTrue(!html.contains("id=\"catalogue\""), "no empty table");
        assertTrue(!html.contains("id=\"cmd-launch\""), "nothing to launch yet");
        assertTrue(html.contains("auth=USER:PASSWORD"), "the upload snippet defines $auth");
        assertTrue(html.contains("curl -u &quot;$auth&quot;"), html);
    }

    @Test
    void theCommandsTrustAPrivateCaFirst() {
        String html = CatalogPage.render(new PublishedCatalog(new TreeMap<>(), List.of(), new byte[0], new byte[0],
                Instant.EPOCH), URL, URL);
        int trust = html.indexOf("cp ca.crt ~/.config/lxc/servercerts/images.crt");
        assertTrue(trust > 0 && trust < html.indexOf("lxc remote add images"), html);
        assertTrue(html.contains("x509: certificate signed by unknown authority"));
    }

    @Test
    void theLaunchExampleIsTheProductUpdatedLast() {
        SortedMap<String, Product> products = new TreeMap<>();
        for (String[] p : new String[][] {{"alpha", "20261101_00:00"}, {"zulu", "20261130_00:00"},
                {"mike", "20261115_00:00"}}) {
            SortedMap<String, Item> items = new TreeMap<>();
            String dir = "images/" + p[0] + "/1/amd64/default/" + p[1] + "/";
            items.put("lxd.tar.xz", Item.file("lxd.tar.xz", dir + "lxd.tar.xz", 1, "f"));
            items.put("rootfs.squashfs", Item.file("squashfs", dir + "rootfs.squashfs", 1, "g"));
            SortedMap<String, Version> versions = new TreeMap<>();
            versions.put(p[1], new Version(items, List.of(p[0].charAt(0) + "h".repeat(63)), null));
            products.put(p[0] + ":1:amd64:default", new Product(p[0] + "/1", "amd64", p[0], "1", null, null,
                    "default", null, null, null, null, versions));
        }
        String html = CatalogPage.render(new PublishedCatalog(products, List.of(), new byte[0], new byte[0],
                Instant.EPOCH), URL, URL);
        assertTrue(html.contains("<code id=\"cmd-launch\">lxc launch images:zulu/1 c1</code>"), html);
    }

    @Test
    void thePolicyAllowsExactlyTheStyleAndScriptThePageCarries() throws Exception {
        String html = CatalogPage.render(new PublishedCatalog(new TreeMap<>(), List.of(), new byte[0], new byte[0],
                Instant.EPOCH), URL, URL);
        String style = between(html, "<style>", "</style>");
        String script = between(html, "<script>", "</script>");
        assertTrue(style.contains("#catalogue") && script.contains("data-copy"), "the resources were loaded");
        assertEquals("default-src 'none'; style-src '" + sha256(style) + "'; script-src '" + sha256(script)
                + "'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                CatalogPage.CONTENT_SECURITY_POLICY);
    }

    @Test
    void aModelBuiltByHandIsEscapedLikeOneFromTheCatalogue() {
        CatalogPageModel.Command command = new CatalogPageModel.Command("cmd-x", "echo '<b>' & \"q\"");
        CatalogPageModel model = new CatalogPageModel("h<o>st", new CatalogPageModel.Listing(null, 0, 0, "now", null,
                List.of(), new CatalogPageModel.Commands(true, false, List.of(command), "<i>", command), List.of()));
        String html = CatalogPage.render(model);
        assertTrue(html.contains("<title>Images on h&lt;o&gt;st</title>"), html);
        assertTrue(html.contains("echo &#39;&lt;b&gt;&#39; &amp; &quot;q&quot;</code>"), html);
        assertTrue(html.contains("<p class=\"muted\">&lt;i&gt;.</p>"), html);
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open) + open.length();
        return text.substring(start, text.indexOf(close, start));
    }

    private static String sha256(String text) throws Exception {
        return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
