package dev.simplestreams.page;

import dev.simplestreams.catalog.ClientCaches;
import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalogue as one HTML page, rendered from the published model alone (no disk access): every product
 * with its versions, fingerprints and aliases, the indexer's problems, and commands for this server. The
 * listing needs no JavaScript; a small script adds filtering, sorting and copy buttons. Every value from
 * the catalogue is escaped.
 */
public final class CataloguePage {

    private static final Pattern VERSION_NAME = Pattern.compile("\\d{8}_\\d{2}:\\d{2}");
    private static final DateTimeFormatter UPDATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            :root{color-scheme:light dark;--muted:#6b7280;--line:#d1d5db;--warn:#b45309;--bg2:rgba(127,127,127,.08)}
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1rem}
            h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.4rem 0 .5rem}
            .muted{color:var(--muted)}code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
            .cmd{display:flex;gap:.5rem;align-items:flex-start;margin:.3rem 0}
            .cmd pre{flex:1;margin:0;padding:.45rem .6rem;background:var(--bg2);border-radius:6px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
            button{font:inherit;font-size:.85rem;padding:.35rem .7rem;border:1px solid var(--line);border-radius:6px;background:transparent;color:inherit;cursor:pointer}
            #problems{border:1px solid var(--warn);border-radius:8px;padding:.2rem 1rem;margin:1rem 0}
            #problems h2{color:var(--warn)}#problems li{margin:.25rem 0;word-break:break-word}
            .warn{color:var(--warn)}
            #filter{width:100%;box-sizing:border-box;font:inherit;padding:.5rem .7rem;border:1px solid var(--line);border-radius:6px;margin:.3rem 0 .7rem}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
            th[data-sort]{cursor:pointer;user-select:none;white-space:nowrap}th[aria-sort=ascending]::after{content:" \\25B4"}th[aria-sort=descending]::after{content:" \\25BE"}
            td.num{white-space:nowrap}details summary{cursor:pointer}tr.product>td{border-bottom:0}
            tr.more>td{padding-top:0}.more .cmd{max-width:52rem}
            .versions{margin:.4rem 0;font-size:.9rem}.versions td,.versions th{border-bottom:1px dotted var(--line);padding:.25rem .4rem}
            .fp{word-break:break-all}.desc{margin:.2rem 0}.source{white-space:normal;color:var(--muted)}
            @media (max-width:760px){#catalogue>thead{display:none}#catalogue,#catalogue>tbody,#catalogue>tbody>tr,#catalogue>tbody>tr>td{display:block;width:auto}
            #catalogue>tbody>tr{border:1px solid var(--line);padding:.3rem}tr.product{border-bottom:0!important;border-radius:8px 8px 0 0;margin-top:.6rem}
            tr.more{border-top:0!important;border-radius:0 0 8px 8px}.versions th:nth-child(2),.versions td:nth-child(2){display:none}
            #catalogue>tbody>tr>td{border:0;padding:.15rem .4rem}#catalogue>tbody>tr>td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}}
            """;

    private static final String SCRIPT = """
            (function(){
            var rows=[].slice.call(document.querySelectorAll('#catalogue tr.product'));
            var filter=document.getElementById('filter');if(!filter)return;var none=document.getElementById('nomatch'),count=document.getElementById('shown');
            filter.hidden=false;
            function apply(){var words=filter.value.toLowerCase().split(/\\s+/).filter(Boolean),shown=0;
            rows.forEach(function(r){var s=r.getAttribute('data-search'),ok=words.every(function(w){return s.indexOf(w)>=0;});
            r.hidden=!ok;r.nextElementSibling.hidden=!ok;if(ok)shown++;});none.hidden=shown>0;count.textContent=shown+' of '+rows.length+' shown';}
            filter.addEventListener('input',apply);if(filter.value)apply();
            var heads=[].slice.call(document.querySelectorAll('#catalogue>thead th[data-sort]'));
            heads.forEach(function(th,i){th.tabIndex=0;function sort(){var dir=th.getAttribute('aria-sort')==='ascending'?-1:1,num=th.getAttribute('data-sort')==='num';
            heads.forEach(function(h){h.removeAttribute('aria-sort');});th.setAttribute('aria-sort',dir>0?'ascending':'descending');
            var body=document.querySelector('#catalogue>tbody');rows.sort(function(a,b){var x=a.children[i].getAttribute('data-v'),y=b.children[i].getAttribute('data-v');
            return dir*(num?(+x)-(+y):x.localeCompare(y));}).forEach(function(r){var more=r.nextElementSibling;body.appendChild(r);body.appendChild(more);});}
            th.addEventListener('click',sort);th.addEventListener('keydown',function(e){if(e.key==='Enter')sort();});});
            [].slice.call(document.querySelectorAll('button[data-copy]')).forEach(function(b){b.hidden=false;b.addEventListener('click',function(){
            var text=document.getElementById(b.getAttribute('data-copy')).textContent;function done(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy';},1500);}
            function old(){var t=document.createElement('textarea');t.value=text;document.body.appendChild(t);t.select();
            try{if(document.execCommand('copy'))done();}finally{t.remove();}}
            if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(done,old);}else{old();}});});
            })();
            """;

    /** Only the page's own style and script may run: a value that escaped escaping still could not. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + sha256(STYLE)
            + "'; script-src '" + sha256(SCRIPT) + "'; img-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private CataloguePage() {
    }

    /**
     * The page for a catalogue ({@code null} while the first one is being built) seen at {@code url}; the client
     * commands name {@code clients}, the address lxc and incus should use (PUBLIC_URL, or {@code url}).
     */
    public static String render(PublishedCatalog catalog, PublicUrl url, PublicUrl clients) {
        StringBuilder html = new StringBuilder(4096 + (catalog == null ? 0 : catalog.versionCount() * 400));
        String host = Html.escape(url.host());
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Images on ").append(host).append("</title><style>").append(STYLE)
                .append("</style></head>\n<body>\n<header><h1>Images on ").append(host).append("</h1>");
        if (catalog == null) {
            html.append("<p class=\"muted\">The catalogue is being built; reload in a moment.</p></header>\n");
            return html.append("</body></html>\n").toString();
        }
        html.append("<p class=\"muted\">").append(catalog.products().size()).append(" products, ")
                .append(catalog.versionCount()).append(" versions; updated ")
                .append(UPDATED.format(catalog.updated())).append(". Machine-readable: <a href=\"streams/v1/index.json\">")
                .append("streams/v1/index.json</a>, <a href=\"status\">status</a>.");
        if (catalog.signedBy() != null) {
            html.append(" Signed (<a href=\"streams/v1/index.sjson\">streams/v1/index.sjson</a>) with OpenPGP key ")
                    .append("<code id=\"signing-key\">").append(Html.escape(catalog.signedBy())).append("</code>.");
        }
        html.append("</p></header>\n");
        problems(html, catalog.problems());
        commands(html, catalog, url, clients);
        if (!catalog.products().isEmpty()) {
            table(html, catalog, clients);
        }
        return html.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n").toString();
    }

    private static void problems(StringBuilder html, List<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        html.append("<section id=\"problems\"><h2>").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems")
                .append(": left out of the catalogue</h2><ul>");
        for (Problem problem : problems) {
            html.append("<li><code>").append(Html.escape(problem.path())).append("</code>: ")
                    .append(Html.escape(problem.reason())).append("</li>");
        }
        html.append("</ul></section>\n");
    }

    private static void commands(StringBuilder html, PublishedCatalog catalog, PublicUrl url, PublicUrl clients) {
        String remote = clients.remoteName();
        html.append("<section id=\"use\"><h2>Use this server</h2>");
        if (catalog.products().isEmpty()) {
            html.append("<p id=\"empty\">No images yet. Publish the first one with the upload commands below (a "
                    + "metadata tarball, then a root file; the project's README shows how to build a tiny test image), "
                    + "or copy the files into <code>images/&lt;os&gt;/&lt;release&gt;/&lt;arch&gt;/&lt;variant&gt;/"
                    + "&lt;YYYYMMDD_HH:MM&gt;/</code> on the server.</p>");
        }
        if (clients.scheme().equals("http")) {
            // Viewed over plain HTTP with no PUBLIC_URL: the page cannot know the address clients need.
            html.append("<p class=\"warn\">lxc and incus only accept HTTPS remotes: replace the address below "
                    + "with this server's HTTPS address (its own TLS port, or the TLS proxy in front of it); the "
                    + "server's PUBLIC_URL setting makes this page show it.</p>");
        }
        html.append("<p class=\"muted\">A certificate from a private CA must be trusted first (Debian's lxc and "
                + "incus; the lxd snap reads ~/snap/lxd/common/config/ instead): without it <code>remote add</code> "
                + "succeeds, but the next command fails with <code>x509: certificate signed by unknown authority"
                + "</code>.</p>");
        command(html, "cmd-trust", "mkdir -p ~/.config/lxc/servercerts && cp ca.crt ~/.config/lxc/servercerts/"
                + remote + ".crt\nmkdir -p ~/.config/incus/servercerts && cp ca.crt ~/.config/incus/servercerts/"
                + remote + ".crt");
        command(html, "cmd-lxc-remote", "lxc remote add " + remote + " " + clients.base()
                + " --protocol=simplestreams");
        command(html, "cmd-incus-remote", "incus remote add " + remote + " " + clients.base()
                + " --protocol=simplestreams");
        Product newest = newest(catalog);
        if (newest != null) {
            String vm = ImageType.of(newest.versions().values()) == ImageType.VM ? " --vm" : "";
            command(html, "cmd-launch", "lxc launch " + remote + ":" + target(newest) + " c1" + vm);
            command(html, "cmd-copy", "lxc image copy " + remote + ":" + target(newest) + " local:" + vm);
        }
        html.append("<p class=\"muted\">").append(Html.escape(ClientCaches.AFTER_PUBLISHING)).append(".</p>");
        html.append("<p class=\"muted\">Upload (needs the uploader's credentials; the file name carries the path "
                + "below images/):</p>");
        command(html, "cmd-upload", "auth=USER:PASSWORD    # the server's UPLOAD_USER and UPLOAD_PASSWORD\n"
                + "dir=ubuntu/noble/amd64/default/$(date -u +%Y%m%d_%H:%M)\n"
                + "curl -u \"$auth\" -F \"upload=@meta.tar.xz;filename=$dir/lxd.tar.xz\" " + url.base() + "/images/\n"
                + "curl -u \"$auth\" -F \"upload=@rootfs.squashfs;filename=$dir/rootfs.squashfs\" " + url.base()
                + "/images/");
        html.append("</section>\n");
    }

    private static void command(StringBuilder html, String id, String text) {
        html.append("<div class=\"cmd\"><pre><code id=\"").append(id).append("\">").append(Html.escape(text))
                .append("</code></pre><button type=\"button\" data-copy=\"").append(id)
                .append("\" hidden>Copy</button></div>");
    }

    private static void table(StringBuilder html, PublishedCatalog catalog, PublicUrl url) {
        html.append("<section id=\"images\"><h2>Images <span id=\"shown\" class=\"muted\"></span></h2>")
                .append("<input id=\"filter\" type=\"search\" placeholder=\"Filter by os, release, arch, type, alias, "
                        + "fingerprint\" aria-label=\"Filter images\" autocomplete=\"off\" hidden>")
                .append("<table id=\"catalogue\"><thead><tr><th data-sort=\"text\">OS</th><th data-sort=\"text\">")
                .append("Release</th><th data-sort=\"text\">Variant</th><th data-sort=\"text\">Arch</th>")
                .append("<th data-sort=\"text\">Type</th><th data-sort=\"num\">Latest</th><th data-sort=\"num\">Size")
                .append("</th><th>Aliases</th><th data-sort=\"num\">Versions</th></tr></thead><tbody>\n");
        String remote = url.remoteName();
        int row = 0;
        for (Map.Entry<String, Product> entry : catalog.products().entrySet()) {
            product(html, entry.getKey(), entry.getValue(), remote, row++);
        }
        html.append("</tbody></table><p id=\"nomatch\" hidden>No image matches the filter.</p></section>\n");
    }

    private static void product(StringBuilder html, String id, Product product, String remote, int row) {
        List<Map.Entry<String, Version>> versions = new ArrayList<>(product.versions().entrySet());
        java.util.Collections.reverse(versions);
        ImageType type = ImageType.of(product.versions().values());
        String latestName = versions.isEmpty() ? "" : versions.get(0).getKey();
        long latestSize = versions.isEmpty() ? 0 : size(versions.get(0).getValue());
        String aliases = product.aliases() == null ? "" : product.aliases();

        StringBuilder search = new StringBuilder(id).append(' ').append(product.os()).append(' ')
                .append(product.release()).append(' ').append(nullToEmpty(product.releaseTitle())).append(' ')
                .append(product.variant()).append(' ').append(product.arch()).append(' ').append(type.label())
                .append(' ').append(aliases);
        versions.forEach(v -> v.getValue().fingerprints().forEach(f -> search.append(' ').append(f)));

        html.append("<tr class=\"product\" data-product=\"").append(Html.escape(id)).append("\" data-search=\"")
                .append(Html.escape(search.toString().toLowerCase(Locale.ROOT))).append("\">");
        cell(html, "OS", product.os(), product.os());
        String release = product.releaseTitle() == null || product.releaseTitle().equals(product.release())
                ? product.release() : product.release() + " (" + product.releaseTitle() + ")";
        cell(html, "Release", product.release(), release);
        cell(html, "Variant", product.variant(), product.variant());
        cell(html, "Arch", product.arch(), product.arch());
        cell(html, "Type", type.label(), type.label());
        html.append("<td class=\"num\" data-label=\"Latest\" data-v=\"").append(Html.escape(digits(latestName)))
                .append("\">").append(Html.escape(versionDate(latestName))).append("</td>");
        html.append("<td class=\"num\" data-label=\"Size\" data-v=\"").append(latestSize).append("\">")
                .append(humanSize(latestSize)).append("</td>");
        html.append("<td data-label=\"Aliases\">");
        String[] aliasList = aliases.isEmpty() ? new String[0] : aliases.split(",");
        for (int i = 0; i < aliasList.length; i++) {
            html.append(i == 0 ? "" : "<br>").append("<code>").append(Html.escape(aliasList[i])).append("</code>");
        }
        html.append("</td><td class=\"num\" data-label=\"Versions\" data-v=\"").append(versions.size()).append("\">")
                .append(versions.size()).append("</td></tr>\n");
        // The versions, fingerprints and commands take the table's whole width in a row of their own.
        html.append("<tr class=\"more\" data-versions-of=\"").append(Html.escape(id))
                .append("\"><td colspan=\"9\"><details><summary>Versions, fingerprints and commands")
                .append("</summary>");
        if (product.description() != null && !product.description().isEmpty()) {
            html.append("<p class=\"desc\">").append(Html.escape(product.description())).append("</p>");
        }
        String target = target(product);
        if (!target.isEmpty()) {
            String vm = type == ImageType.VM ? " --vm" : "";
            command(html, "launch-" + row, "lxc launch " + remote + ":" + target + vm);
            command(html, "copy-" + row, "lxc image copy " + remote + ":" + target + " local:" + vm);
        }
        html.append("<table class=\"versions\"><thead><tr><th>Version</th><th>Type</th><th>Size</th>")
                .append("<th>Fingerprints</th></tr></thead><tbody>");
        for (Map.Entry<String, Version> version : versions) {
            // Under the date rather than in a column of its own: a phone has no width to spare.
            String origin = version.getValue().origin();
            html.append("<tr><td class=\"num\">").append(Html.escape(versionDate(version.getKey())))
                    .append("<br><small class=\"source\">")
                    .append(origin == null ? "uploaded" : "mirrored from " + Html.escape(origin)).append("</small>")
                    .append("</td><td>").append(ImageType.of(version.getValue()).label()).append("</td><td class=\"num\">")
                    .append(humanSize(size(version.getValue()))).append("</td><td class=\"fp\">");
            List<String> fingerprints = version.getValue().fingerprints();
            for (int i = 0; i < fingerprints.size(); i++) {
                html.append(i == 0 ? "" : "<br>").append("<code>").append(Html.escape(fingerprints.get(i)))
                        .append("</code>");
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table></details></td></tr>\n");
    }

    private static void cell(StringBuilder html, String label, String sortValue, String text) {
        html.append("<td data-label=\"").append(label).append("\" data-v=\"")
                .append(Html.escape(nullToEmpty(sortValue).toLowerCase(Locale.ROOT))).append("\">")
                .append(Html.escape(text)).append("</td>");
    }

    /** What to launch a product by: its first alias, else the newest version's first fingerprint. */
    private static String target(Product product) {
        String alias = product.aliases() == null ? "" : product.aliases().split(",", 2)[0];
        if (!alias.isEmpty() || product.versions().isEmpty()) {
            return alias;
        }
        List<String> fingerprints = product.versions().get(product.versions().lastKey()).fingerprints();
        return fingerprints.isEmpty() ? "" : fingerprints.get(0);
    }

    /**
     * The example for the launch command: the product updated last, which is the one its uploader wants to try
     * (the first by name may be one nobody can launch); the first by id among equals.
     */
    private static Product newest(PublishedCatalog catalog) {
        Product newest = null;
        for (Product product : catalog.products().values()) {
            if (!product.versions().isEmpty() && !target(product).isEmpty() && (newest == null
                    || product.versions().lastKey().compareTo(newest.versions().lastKey()) > 0)) {
                newest = product;
            }
        }
        return newest;
    }

    /** Bytes a client downloads for the version: each file once (metadata is listed under two names), no deltas. */
    static long size(Version version) {
        Set<String> paths = new HashSet<>();
        long total = 0;
        for (Item item : version.items().values()) {
            if (!item.ftype().endsWith(".vcdiff") && paths.add(item.path())) {
                total += item.size();
            }
        }
        return total;
    }

    /** {@code 20261125_14:05} as {@code 2026-11-25 14:05}; other names as they are. */
    static String versionDate(String version) {
        if (VERSION_NAME.matcher(version).matches()) {
            return version.substring(0, 4) + "-" + version.substring(4, 6) + "-" + version.substring(6, 8) + " "
                    + version.substring(9);
        }
        return version;
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        // String.format is slow enough to matter with thousands of versions.
        return value < 10 ? (Math.round(value * 10) / 10) + "." + (Math.round(value * 10) % 10) + " " + units[unit]
                : Math.round(value) + " " + units[unit];
    }

    private static String digits(String text) {
        StringBuilder only = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                only.append(text.charAt(i));
            }
        }
        return only.isEmpty() ? "0" : only.toString();
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
