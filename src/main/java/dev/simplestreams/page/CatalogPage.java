package dev.simplestreams.page;

import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.page.CatalogPageModel.Cell;
import dev.simplestreams.page.CatalogPageModel.Command;
import dev.simplestreams.page.CatalogPageModel.Commands;
import dev.simplestreams.page.CatalogPageModel.Listing;
import dev.simplestreams.page.CatalogPageModel.ProductRow;
import dev.simplestreams.page.CatalogPageModel.VersionRow;
import java.util.List;

/**
 * The catalogue as one HTML page, the markup of a {@link CatalogPageModel} (no disk access): every product with
 * its versions, fingerprints and aliases, the indexer's problems, and commands for this server. The listing needs
 * no JavaScript; the script in {@link PageAssets} adds filtering, sorting and copy buttons. Every value goes
 * through {@link Html#text}.
 */
public final class CatalogPage {

    /** The header the page must be served with; see {@link PageAssets}. */
    public static final String CONTENT_SECURITY_POLICY = PageAssets.CONTENT_SECURITY_POLICY;

    private CatalogPage() {
    }

    /** {@link #render(CatalogPageModel)} of the model of everything in {@code catalog}. */
    public static String render(PublishedCatalog catalog, PublicUrl url, PublicUrl clients) {
        return render(CatalogPageModel.of(catalog, url, clients));
    }

    public static String render(CatalogPageModel page) {
        Listing listing = page.listing();
        Html html = new Html(4096 + (listing == null ? 0 : listing.versionCount() * 400));
        html.markup("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .markup("<title>").text(title(page)).markup("</title><style>").markup(PageAssets.STYLE)
                .markup("</style></head>\n<body>\n<header><h1>").text(title(page)).markup("</h1>");
        if (listing == null) {
            html.markup("<p class=\"muted\">The catalogue is being built; reload in a moment.</p></header>\n");
            return html.markup("</body></html>\n").toString();
        }
        html.markup("<p class=\"muted\">").text(listing.productCount()).markup(" products, ")
                .text(listing.versionCount()).markup(" versions; updated ").text(listing.updated())
                .markup(". Machine-readable: <a href=\"streams/v1/index.json\">streams/v1/index.json</a>")
                // A view has no status of its own: the server's tells anonymous readers nothing of it.
                .markup(listing.view() == null ? ", <a href=\"status\">status</a>." : ".");
        if (listing.signedBy() != null) {
            html.markup(" Signed (<a href=\"streams/v1/index.sjson\">streams/v1/index.sjson</a>) with OpenPGP key ")
                    .markup("<code id=\"signing-key\">").text(listing.signedBy()).markup("</code>.");
        }
        html.markup("</p></header>\n");
        problems(html, listing.problems());
        commands(html, listing.commands());
        if (!listing.products().isEmpty()) {
            table(html, listing.products());
        }
        return html.markup("<script>").markup(PageAssets.SCRIPT).markup("</script>\n</body></html>\n").toString();
    }

    private static String title(CatalogPageModel page) {
        String view = page.listing() == null ? null : page.listing().view();
        return view == null ? "Images on " + page.host() : "Images of view " + view + " on " + page.host();
    }

    private static void problems(Html html, List<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        html.markup("<section id=\"problems\"><h2>").text(problems.size())
                .markup(problems.size() == 1 ? " problem" : " problems")
                .markup(": left out of the catalogue</h2><ul>");
        for (Problem problem : problems) {
            html.markup("<li><code>").text(problem.path()).markup("</code>: ").text(problem.reason())
                    .markup("</li>");
        }
        html.markup("</ul></section>\n");
    }

    private static void commands(Html html, Commands commands) {
        html.markup("<section id=\"use\"><h2>Use this server</h2>");
        if (commands.empty()) {
            html.markup("<p id=\"empty\">No images yet. Publish the first one with the upload commands below (a "
                    + "metadata tarball, then a root file; the project's README shows how to build a tiny test image), "
                    + "or copy the files into <code>images/&lt;os&gt;/&lt;release&gt;/&lt;arch&gt;/&lt;variant&gt;/"
                    + "&lt;YYYYMMDD_HH:MM&gt;/</code> on the server.</p>");
        }
        if (commands.plainHttp()) {
            // Viewed over plain HTTP with no PUBLIC_URL: the page cannot know the address clients need.
            html.markup("<p class=\"warn\">lxc and incus only accept HTTPS remotes: replace the address below "
                    + "with this server's HTTPS address (its own TLS port, or the TLS proxy in front of it); the "
                    + "server's PUBLIC_URL setting makes this page show it.</p>");
        }
        html.markup("<p class=\"muted\">A certificate from a private CA must be trusted first (Debian's lxc and "
                + "incus; the lxd snap reads ~/snap/lxd/common/config/ instead): without it <code>remote add</code> "
                + "succeeds, but the next command fails with <code>x509: certificate signed by unknown authority"
                + "</code>.</p>");
        commands.clients().forEach(command -> command(html, command));
        html.markup("<p class=\"muted\">").text(commands.afterPublishing()).markup(".</p>");
        html.markup("<p class=\"muted\">Upload (needs the uploader's credentials; the file name carries the path "
                + "below images/):</p>");
        command(html, commands.upload());
        html.markup("</section>\n");
    }

    private static void command(Html html, Command command) {
        html.markup("<div class=\"cmd\"><pre><code id=\"").text(command.id()).markup("\">").text(command.text())
                .markup("</code></pre><button type=\"button\" data-copy=\"").text(command.id())
                .markup("\" hidden>Copy</button></div>");
    }

    private static void table(Html html, List<ProductRow> products) {
        html.markup("<section id=\"images\"><h2>Images <span id=\"shown\" class=\"muted\"></span></h2>")
                .markup("<input id=\"filter\" type=\"search\" placeholder=\"Filter by os, release, arch, type, alias, "
                        + "fingerprint\" aria-label=\"Filter images\" autocomplete=\"off\" hidden>")
                .markup("<table id=\"catalogue\"><thead><tr><th data-sort=\"text\">OS</th><th data-sort=\"text\">")
                .markup("Release</th><th data-sort=\"text\">Variant</th><th data-sort=\"text\">Arch</th>")
                .markup("<th data-sort=\"text\">Type</th><th data-sort=\"num\">Latest</th><th data-sort=\"num\">Size")
                .markup("</th><th>Aliases</th><th data-sort=\"num\">Versions</th></tr></thead><tbody>\n");
        products.forEach(product -> product(html, product));
        html.markup("</tbody></table><p id=\"nomatch\" hidden>No image matches the filter.</p></section>\n");
    }

    private static void product(Html html, ProductRow product) {
        html.markup("<tr class=\"product\" data-product=\"").text(product.id()).markup("\" data-search=\"")
                .text(product.search()).markup("\">");
        for (Cell cell : product.cells()) {
            html.markup("<td data-label=\"").text(cell.label()).markup("\" data-v=\"").text(cell.sortKey())
                    .markup("\">").text(cell.text()).markup("</td>");
        }
        html.markup("<td class=\"num\" data-label=\"Latest\" data-v=\"").text(product.latestSortKey())
                .markup("\">").text(product.latest()).markup("</td>");
        html.markup("<td class=\"num\" data-label=\"Size\" data-v=\"").text(product.size()).markup("\">")
                .text(humanSize(product.size())).markup("</td>");
        html.markup("<td data-label=\"Aliases\">");
        lines(html, product.aliases());
        html.markup("</td><td class=\"num\" data-label=\"Versions\" data-v=\"").text(product.versions().size())
                .markup("\">").text(product.versions().size()).markup("</td></tr>\n");
        // The versions, fingerprints and commands take the table's whole width in a row of their own.
        html.markup("<tr class=\"more\" data-versions-of=\"").text(product.id())
                .markup("\"><td colspan=\"9\"><details><summary>Versions, fingerprints and commands")
                .markup("</summary>");
        if (product.description() != null) {
            html.markup("<p class=\"desc\">").text(product.description()).markup("</p>");
        }
        product.commands().forEach(command -> command(html, command));
        html.markup("<table class=\"versions\"><thead><tr><th>Version</th><th>Type</th><th>Size</th>")
                .markup("<th>Fingerprints</th></tr></thead><tbody>");
        for (VersionRow version : product.versions()) {
            // Under the date rather than in a column of its own: a phone has no width to spare.
            html.markup("<tr><td class=\"num\">").text(version.date()).markup("<br><small class=\"source\">");
            if (version.origin() == null) {
                html.markup("uploaded");
            } else {
                html.markup("mirrored from ").text(version.origin());
            }
            html.markup("</small></td><td>").text(version.type()).markup("</td><td class=\"num\">")
                    .text(humanSize(version.size())).markup("</td><td class=\"fp\">");
            lines(html, version.fingerprints());
            html.markup("</td></tr>");
        }
        html.markup("</tbody></table></details></td></tr>\n");
    }

    /** Values one per line, each as code. */
    private static void lines(Html html, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            html.markup(i == 0 ? "" : "<br>").markup("<code>").text(values.get(i)).markup("</code>");
        }
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
}
