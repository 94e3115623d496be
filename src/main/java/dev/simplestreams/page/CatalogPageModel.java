package dev.simplestreams.page;

import dev.simplestreams.catalog.ClientCaches;
import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the catalogue page shows, as plain values: {@link CatalogPage} turns it into markup and escapes every
 * value on the way. Whatever decides what a reader may see (or adds something to show) changes the model, and
 * the markup follows. {@code listing} is {@code null} while the first catalogue is being built.
 */
public record CatalogPageModel(String host, Listing listing) {

    private static final Pattern VERSION_NAME = Pattern.compile("\\d{8}_\\d{2}:\\d{2}");
    private static final DateTimeFormatter UPDATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /**
     * A built catalogue: the view it is (null: the server's root), its summary line, the fingerprint of the key that
     * signs it (null when unsigned), problems, the commands for this server and one row per product.
     */
    public record Listing(String view, int productCount, int versionCount, String updated, String signedBy,
            List<Problem> problems, Commands commands, List<ProductRow> products) {
    }

    /**
     * The "Use this server" section: {@code plainHttp} when the page cannot know the HTTPS address clients need;
     * {@code clients} are the trust, remote and example commands, {@code upload} the curl example.
     */
    public record Commands(boolean empty, boolean plainHttp, List<Command> clients, String afterPublishing,
            Command upload) {
    }

    /** A command with a copy button; {@code id} names it for the button and the tests. */
    public record Command(String id, String text) {
    }

    /** A table cell: {@code sortKey} is what the page's script sorts the column by. */
    public record Cell(String label, String sortKey, String text) {
    }

    /**
     * One product: the cells of its row, its aliases and the row it opens with its description, commands and
     * versions (newest first). {@code search} is the lower-case text the filter matches.
     */
    public record ProductRow(String id, String search, List<Cell> cells, String latestSortKey, String latest,
            long size, List<String> aliases, String description, List<Command> commands, List<VersionRow> versions) {
    }

    /** One version; {@code origin} is the upstream it was mirrored from, {@code null} for an upload. */
    public record VersionRow(String date, String origin, String type, long size, List<String> fingerprints) {
    }

    /**
     * The page for a catalogue ({@code null} while the first one is being built) seen at {@code url}; the client
     * commands name {@code clients}, the address lxc and incus should use (PUBLIC_URL, or {@code url}).
     */
    public static CatalogPageModel of(PublishedCatalog catalog, PublicUrl url, PublicUrl clients) {
        return of(catalog, url, clients, null, RemoteAddress.root(clients));
    }

    /** The page of the view named {@code view} (null: the root), whose readers add it as {@code address}. */
    public static CatalogPageModel of(PublishedCatalog catalog, PublicUrl url, PublicUrl clients, String view,
            RemoteAddress address) {
        if (catalog == null) {
            return new CatalogPageModel(url.host(), null);
        }
        List<ProductRow> rows = new ArrayList<>(catalog.products().size());
        for (Map.Entry<String, Product> entry : catalog.products().entrySet()) {
            rows.add(row(entry.getKey(), entry.getValue(), address.name(), rows.size()));
        }
        return new CatalogPageModel(url.host(), new Listing(view, catalog.products().size(), catalog.versionCount(),
                UPDATED.format(catalog.updated()), catalog.signedBy(), catalog.problems(),
                commands(catalog, url, clients, address), rows));
    }

    private static Commands commands(PublishedCatalog catalog, PublicUrl url, PublicUrl clients,
            RemoteAddress address) {
        String remote = address.name();
        List<Command> commands = new ArrayList<>();
        commands.add(new Command("cmd-trust", "mkdir -p ~/.config/lxc/servercerts && cp ca.crt "
                + "~/.config/lxc/servercerts/" + remote + ".crt\nmkdir -p ~/.config/incus/servercerts && cp ca.crt "
                + "~/.config/incus/servercerts/" + remote + ".crt"));
        commands.add(new Command("cmd-lxc-remote", "lxc remote add " + remote + " " + address.url()
                + " --protocol=simplestreams"));
        commands.add(new Command("cmd-incus-remote", "incus remote add " + remote + " " + address.url()
                + " --protocol=simplestreams"));
        Product newest = newest(catalog);
        if (newest != null) {
            String vm = ImageType.of(newest.versions().values()) == ImageType.VM ? " --vm" : "";
            commands.add(new Command("cmd-launch", "lxc launch " + remote + ":" + target(newest) + " c1" + vm));
            commands.add(new Command("cmd-copy", "lxc image copy " + remote + ":" + target(newest) + " local:" + vm));
        }
        Command upload = new Command("cmd-upload", "auth=USER:PASSWORD    # the server's UPLOAD_USER and "
                + "UPLOAD_PASSWORD\ndir=ubuntu/noble/amd64/default/$(date -u +%Y%m%d_%H:%M)\n"
                + "curl -u \"$auth\" -F \"upload=@meta.tar.xz;filename=$dir/lxd.tar.xz\" " + url.base() + "/images/\n"
                + "curl -u \"$auth\" -F \"upload=@rootfs.squashfs;filename=$dir/rootfs.squashfs\" " + url.base()
                + "/images/");
        return new Commands(catalog.products().isEmpty(), clients.scheme().equals("http"), commands,
                ClientCaches.AFTER_PUBLISHING, upload);
    }

    private static ProductRow row(String id, Product product, String remote, int row) {
        List<Map.Entry<String, Version>> versions = new ArrayList<>(product.versions().entrySet());
        Collections.reverse(versions);
        ImageType type = ImageType.of(product.versions().values());
        String latestName = versions.isEmpty() ? "" : versions.get(0).getKey();
        String aliases = product.aliases() == null ? "" : product.aliases();

        StringBuilder search = new StringBuilder(id).append(' ').append(product.os()).append(' ')
                .append(product.release()).append(' ').append(nullToEmpty(product.releaseTitle())).append(' ')
                .append(product.variant()).append(' ').append(product.arch()).append(' ').append(type.label())
                .append(' ').append(aliases);
        versions.forEach(v -> v.getValue().fingerprints().forEach(f -> search.append(' ').append(f)));

        String release = product.releaseTitle() == null || product.releaseTitle().equals(product.release())
                ? product.release() : product.release() + " (" + product.releaseTitle() + ")";
        List<Cell> cells = List.of(cell("OS", product.os(), product.os()),
                cell("Release", product.release(), release), cell("Variant", product.variant(), product.variant()),
                cell("Arch", product.arch(), product.arch()), cell("Type", type.label(), type.label()));

        List<Command> commands = new ArrayList<>(2);
        String target = target(product);
        if (!target.isEmpty()) {
            String vm = type == ImageType.VM ? " --vm" : "";
            commands.add(new Command("launch-" + row, "lxc launch " + remote + ":" + target + vm));
            commands.add(new Command("copy-" + row, "lxc image copy " + remote + ":" + target + " local:" + vm));
        }
        List<VersionRow> versionRows = new ArrayList<>(versions.size());
        for (Map.Entry<String, Version> version : versions) {
            versionRows.add(new VersionRow(versionDate(version.getKey()), version.getValue().origin(),
                    ImageType.of(version.getValue()).label(), size(version.getValue()),
                    version.getValue().fingerprints()));
        }
        String description = product.description() == null || product.description().isEmpty() ? null
                : product.description();
        return new ProductRow(id, search.toString().toLowerCase(Locale.ROOT), cells, digits(latestName),
                versionDate(latestName), versions.isEmpty() ? 0 : size(versions.get(0).getValue()),
                aliases.isEmpty() ? List.of() : List.of(aliases.split(",")), description, commands, versionRows);
    }

    private static Cell cell(String label, String sortValue, String text) {
        return new Cell(label, nullToEmpty(sortValue).toLowerCase(Locale.ROOT), text);
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
}
