package dev.simplestreams.mirror;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.catalog.JsonMappers;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An upstream's {@code index.json} and {@code images.json}, read as strictly as LXD reads them: a type
 * mismatch anywhere fails the whole document (the client would fail too), so nothing half-understood is
 * ever mirrored. Paths stay as the upstream wrote them; {@link #resolve} decides which ones may be fetched.
 * Walked by hand, not bound to records: it passes over what clients pass over (unknown keys, a non-boolean
 * {@code supported}, non-text requirements, index entries without a string path), which strict binding would refuse.
 */
public final class UpstreamCatalog {

    static final String INDEX = "streams/v1/index.json";
    /** The signed index; a remote with a keyring is read from it and the signed documents it names only. */
    static final String SIGNED_INDEX = "streams/v1/index.sjson";

    /**
     * One file of an upstream version. {@code fingerprints}: what a metadata item says the image of each root
     * ftype is, sha256(metadata + root), from its {@code combined_*_sha256} fields (empty for other items).
     * {@code deltaBase}: for a delta, the upstream's name of the version it applies to (null for other items).
     */
    public record Item(String ftype, String path, long size, String sha256, Map<String, String> fingerprints,
            String deltaBase) {

        public Item(String ftype, String path, long size, String sha256) {
            this(ftype, path, size, sha256, Map.of(), null);
        }
    }

    /** A metadata item's combined-hash fields and the root ftype each is for; the legacy name last. */
    private static final List<Map.Entry<String, String>> COMBINED_FIELDS = List.of(
            Map.entry("combined_squashfs_sha256", "squashfs"),
            Map.entry("combined_disk-kvm-img_sha256", "disk-kvm.img"),
            Map.entry("combined_disk1-img_sha256", "disk1.img"),
            Map.entry("combined_uefi1-img_sha256", "uefi1.img"),
            Map.entry("combined_rootxz_sha256", "root.tar.xz"),
            Map.entry("combined_sha256", "root.tar.xz"));

    /**
     * One upstream product; {@code aliases} is the comma string clients read (may be empty). {@code distro}:
     * lxd-imagebuilder's directory name for the os, whose {@code os} is a display name (null elsewhere).
     */
    public record Product(String id, String os, String distro, String release, String arch, String variant,
            String releaseTitle, String aliases, SortedMap<String, Map<String, Item>> versions, Facts facts) {

        public Product(String id, String os, String release, String arch, String variant, String releaseTitle,
                String aliases, SortedMap<String, Map<String, Item>> versions) {
            this(id, os, null, release, arch, variant, releaseTitle, aliases, versions, Facts.NONE);
        }
    }

    /**
     * What an upstream product says beyond names and files, kept by the mirror; null or empty when not given.
     * {@code requirements} merges LXD's {@code lxd_requirements} and Incus's {@code requirements}.
     */
    public record Facts(String releaseCodename, SortedMap<String, String> requirements, String supportEol,
            Boolean supported) {

        static final Facts NONE = new Facts(null, new TreeMap<>(), null, null);
    }

    private UpstreamCatalog() {
    }

    /**
     * The products documents index.json lists, as clients take them: {@code datatype: image-downloads}, a path
     * and a non-empty {@code products} list; clients merge their products, so the mirror does too. Empty when
     * the upstream lists no products at all.
     */
    public static List<URI> imagesUrls(URI base, URI indexUrl, byte[] index) throws UpstreamException {
        JsonNode root = tree(indexUrl, index);
        JsonNode entries = root.get("index");
        if (entries == null || !entries.isObject()) {
            throw new UpstreamException(indexUrl, "has no 'index' object; is this a simplestreams remote?");
        }
        List<URI> urls = new ArrayList<>();
        boolean downloads = false;
        for (Iterator<JsonNode> it = entries.elements(); it.hasNext(); ) {
            JsonNode entry = it.next();
            boolean isDownloads = "image-downloads".equals(entry.path("datatype").asText());
            downloads |= isDownloads;
            if (isDownloads && entry.path("path").isTextual() && !entry.path("products").isEmpty()) {
                URI url = resolve(base, entry.get("path").asText())
                        .orElseThrow(() -> new UpstreamException(indexUrl, "the image-downloads path '"
                                + entry.get("path").asText() + "' is not a relative path under the remote"));
                if (!urls.contains(url)) {
                    urls.add(url);
                }
            }
        }
        if (!downloads) {
            throw new UpstreamException(indexUrl, "lists no image-downloads document");
        }
        return urls;
    }

    public static List<Product> products(URI imagesUrl, byte[] images) throws UpstreamException {
        JsonNode products = tree(imagesUrl, images).get("products");
        if (products == null || !products.isObject()) {
            throw new UpstreamException(imagesUrl, "has no 'products' object");
        }
        List<Product> parsed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = products.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            parsed.add(product(imagesUrl, entry.getKey(), entry.getValue()));
        }
        return parsed;
    }

    /**
     * A path from the upstream's catalogue as a URL under {@code base}, or empty when it is absolute, has a
     * scheme, a query, '.' or '..' segments, or otherwise points outside the remote.
     */
    public static java.util.Optional<URI> resolve(URI base, String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            return java.util.Optional.empty();
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return java.util.Optional.empty();
            }
        }
        try {
            // Version directories hold ':' ("20261125_14:05"); "./" keeps it from reading as a scheme.
            URI relative = new URI(null, null, "./" + path, null);
            URI url = base.resolve(relative);
            return url.toString().startsWith(base.toString()) ? java.util.Optional.of(url) : java.util.Optional.empty();
        } catch (URISyntaxException e) {
            return java.util.Optional.empty();
        }
    }

    private static JsonNode tree(URI url, byte[] body) throws UpstreamException {
        try {
            JsonNode root = JsonMappers.JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new UpstreamException(url, "is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new UpstreamException(url, "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UpstreamException(url, "cannot be read: " + e.getMessage());
        }
    }

    private static Product product(URI url, String id, JsonNode node) throws UpstreamException {
        String where = "product '" + id + "'";
        if (!node.isObject()) {
            throw new UpstreamException(url, where + " is not an object");
        }
        SortedMap<String, Map<String, Item>> versions = new TreeMap<>();
        JsonNode versionsNode = node.get("versions");
        if (versionsNode != null && !versionsNode.isNull()) {
            if (!versionsNode.isObject()) {
                throw new UpstreamException(url, where + ": 'versions' is not an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = versionsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> version = it.next();
                JsonNode items = version.getValue().get("items");
                if (items == null || !items.isObject()) {
                    throw new UpstreamException(url, where + ", version '" + version.getKey() + "': no 'items' object");
                }
                Map<String, Item> parsed = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> i = items.fields(); i.hasNext(); ) {
                    Map.Entry<String, JsonNode> item = i.next();
                    parsed.put(item.getKey(), item(url, where + ", version '" + version.getKey() + "', item '"
                            + item.getKey() + "'", item.getValue()));
                }
                versions.put(version.getKey(), parsed);
            }
        }
        JsonNode supported = node.get("supported");
        Facts facts = new Facts(text(url, where, node, "release_codename"), requirements(node),
                text(url, where, node, "support_eol"),
                supported != null && supported.isBoolean() ? supported.asBoolean() : null);
        return new Product(id, text(url, where, node, "os"), text(url, where, node, "distro"),
                text(url, where, node, "release"), text(url, where, node, "arch"), text(url, where, node, "variant"),
                text(url, where, node, "release_title"), text(url, where, node, "aliases"), versions, facts);
    }

    /** Both clients' requirement maps; values that are not text are what no client would take either. */
    private static SortedMap<String, String> requirements(JsonNode product) {
        SortedMap<String, String> requirements = new TreeMap<>();
        for (String field : new String[] {"lxd_requirements", "requirements"}) {
            JsonNode map = product.get(field);
            if (map != null && map.isObject()) {
                map.fields().forEachRemaining(entry -> {
                    if (entry.getValue().isTextual()) {
                        requirements.put(entry.getKey(), entry.getValue().asText());
                    }
                });
            }
        }
        return requirements;
    }

    private static Item item(URI url, String where, JsonNode node) throws UpstreamException {
        if (!node.isObject()) {
            throw new UpstreamException(url, where + " is not an object");
        }
        JsonNode size = node.get("size");
        if (size != null && !size.isNull() && !size.isIntegralNumber()) {
            throw new UpstreamException(url, where + ": 'size' is not an integer");
        }
        Map<String, String> fingerprints = new LinkedHashMap<>();
        for (Map.Entry<String, String> field : COMBINED_FIELDS) {
            String value = text(url, where, node, field.getKey());
            if (value != null) {
                fingerprints.putIfAbsent(field.getValue(), value);
            }
        }
        return new Item(text(url, where, node, "ftype"), text(url, where, node, "path"),
                size == null || size.isNull() ? -1 : size.asLong(), text(url, where, node, "sha256"),
                Map.copyOf(fingerprints), text(url, where, node, "delta_base"));
    }

    private static String text(URI url, String where, JsonNode node, String field) throws UpstreamException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new UpstreamException(url, where + ": '" + field + "' is not a string");
        }
        return value.asText();
    }
}
