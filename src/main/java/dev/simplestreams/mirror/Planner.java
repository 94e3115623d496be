package dev.simplestreams.mirror;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.simplestreams.catalog.FileKind;
import dev.simplestreams.catalog.Ftypes;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.LayoutException;
import dev.simplestreams.catalog.MetadataException;
import dev.simplestreams.catalog.Overrides;
import dev.simplestreams.catalog.Problem;
import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.mirror.MirrorConfig.ImageKind;
import dev.simplestreams.mirror.MirrorConfig.Remote;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what one remote should contribute here: the upstream's products, filtered, newest {@code keep}
 * versions each, placed under this server's layout and file names. Pure: it reads nothing and fetches
 * nothing. Local content wins every conflict: a product that holds anything not mirrored from this remote is
 * left alone, and an alias a local product already uses is left out; both are reported.
 *
 * <p>Longer than 300 lines: planning one remote is one decision, read top to bottom; the rest are its steps.
 */
public final class Planner {

    /**
     * Version spellings producers use, each mapped onto this layout's {@code YYYYMMDD_HH:MM}: lxd-imagebuilder's
     * {@code YYYYMMDD_HHMM}, incus-simplestreams' {@code YYYYMMDDHHMM} (from the image's creation date), and
     * cloud-images' {@code YYYYMMDD} with respins {@code YYYYMMDD.N} (as minutes past midnight).
     */
    private static final Map<Pattern, String> VERSION_SPELLINGS = Map.of(
            Pattern.compile("(\\d{8})_(\\d{2})(\\d{2})"), "$1_$2:$3",
            Pattern.compile("(\\d{8})(\\d{2})(\\d{2})"), "$1_$2:$3",
            Pattern.compile("(\\d{8})"), "$1_00:00",
            Pattern.compile("(\\d{8})\\.(\\d)"), "$1_00:0$2",
            Pattern.compile("(\\d{8})\\.(\\d{2})"), "$1_00:$2");

    private static final List<String> VM_DISKS = List.of(Ftypes.DISK_KVM_IMG, "disk1.img", "uefi1.img");

    /**
     * One file to have locally: our file name, where to fetch it, and what it must be. {@code fingerprint}: for
     * a root file, the image fingerprint the upstream lists for it (null when it lists none).
     */
    public record WantedFile(String name, URI url, long size, String sha256, String fingerprint) {
    }

    /** One version to have locally, with the {@code metadata.json} that carries the upstream's product facts. */
    public record WantedVersion(VersionKey key, List<WantedFile> files, byte[] metadataJson) {
    }

    /** {@code problems}: what was skipped and why (upstream paths or local conflicts). */
    public record Plan(List<WantedVersion> versions, List<Problem> problems) {
    }

    /** What the planner needs to know about this server's own content. */
    public interface Local {

        /** Whether the product holds anything that this remote did not mirror (an upload, another remote). */
        boolean hasForeignContent(ProductKey product);

        /** The product id that uses {@code alias} for {@code arch} and is not this remote's, if any. */
        Optional<String> foreignAliasOwner(String alias, String arch);
    }

    private Planner() {
    }

    public static Plan plan(Remote remote, URI base, List<UpstreamCatalog.Product> products, Local local) {
        List<WantedVersion> wanted = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<ProductKey, String> claimed = new HashMap<>();
        for (UpstreamCatalog.Product product : products) {
            plan(remote, base, product, local, claimed, wanted, problems);
        }
        Collections.sort(problems);
        return new Plan(List.copyOf(wanted), List.copyOf(problems));
    }

    /** {@code claimed}: the upstream product id each local product was planned from, so far. */
    private static void plan(Remote remote, URI base, UpstreamCatalog.Product product, Local local,
            Map<ProductKey, String> claimed, List<WantedVersion> wanted, List<Problem> problems) {
        String where = "upstream product " + product.id();
        // The product's fields, which is what clients read: ids are opaque, and producers order their parts
        // differently (incus-simplestreams writes os:release:variant:arch). Directory names of os are lowercase,
        // like the ids that carry them (lxd-imagebuilder gives its own, next to a display name); without a
        // variant clients show none, and this layout needs one.
        String os = product.distro() != null ? product.distro() : value(product.os()).toLowerCase(Locale.ROOT);
        String variant = product.variant() == null ? "default" : product.variant();
        ProductKey key;
        try {
            key = Layout.productKey(os, value(product.release()), value(product.arch()), variant);
        } catch (LayoutException e) {
            if (remote.wants(os, value(product.release()), value(product.arch()), variant, null)) {
                problems.add(new Problem(where, "not mirrored: " + e.getMessage()));
            }
            return;
        }
        if (!remote.wants(key.os(), key.release(), key.arch(), key.variant(), null)) {
            return;
        }
        // Ids are opaque, so two upstream products (say a released and a daily stream) may share all four facts.
        String first = claimed.putIfAbsent(key, product.id());
        if (first != null) {
            problems.add(new Problem(where, "not mirrored: upstream product " + first + " has the same os, release, "
                    + "arch and variant and is mirrored as " + key.directory()));
            return;
        }
        List<WantedVersion> versions = new ArrayList<>();
        // Clients order versions as strings, newest last: walking the upstream's names in that order, each one
        // must land after the previous one here too, or the newest there would not be the newest here.
        String previous = null;
        for (Map.Entry<String, Map<String, UpstreamCatalog.Item>> version : product.versions().entrySet()) {
            VersionKey versionKey;
            try {
                versionKey = Layout.versionKey(key, localVersionName(version.getKey()));
            } catch (LayoutException e) {
                problems.add(new Problem(where + " version " + version.getKey(), "not mirrored: " + e.getMessage()));
                continue;
            }
            if (previous != null && versionKey.version().compareTo(previous) <= 0) {
                problems.add(new Problem(where + " version " + version.getKey(), "not mirrored: "
                        + (versionKey.version().equals(previous) ? "another upstream version is also named "
                        + previous + " here" : "it would be named " + versionKey.version() + " here, which sorts "
                        + "before " + previous + " although the upstream sorts it after")));
                continue;
            }
            previous = versionKey.version();
            List<WantedFile> files = new ArrayList<>();
            String rejection = files(remote, base, key, version.getValue(), files, problems);
            if (rejection != null) {
                problems.add(new Problem(versionKey.directory(), "not mirrored: " + rejection));
            } else if (!files.isEmpty()) {
                versions.add(new WantedVersion(versionKey, List.copyOf(files), null));
            }
        }
        if (versions.isEmpty()) {
            return;
        }
        versions.sort(Comparator.comparing(WantedVersion::key));
        if (local.hasForeignContent(key)) {
            problems.add(new Problem(key.directory(), "conflict: this product exists here already (uploaded or "
                    + "from another remote); the local product wins and " + product.id() + " from remote '"
                    + remote.name() + "' is not mirrored"));
            return;
        }
        if (remote.keep() > 0 && versions.size() > remote.keep()) {
            versions = versions.subList(versions.size() - remote.keep(), versions.size());
        }
        Set<String> kept = new HashSet<>();
        versions.forEach(version -> kept.add(version.key().version()));
        byte[] metadataJson = metadataJson(remote, key, product, local, problems);
        for (WantedVersion version : versions) {
            // A delta from a version not mirrored would never be listed, and would be deleted as an orphan.
            List<WantedFile> files = version.files().stream().filter(file -> FileKind.recognise(file.name())
                    .map(FileKind.Recognised::deltaBase).map(kept::contains).orElse(true)).toList();
            wanted.add(new WantedVersion(version.key(), files, metadataJson));
        }
    }

    /** The upstream's version name in this layout's spelling; other names are returned as they are. */
    private static String localVersionName(String upstream) {
        for (Map.Entry<Pattern, String> spelling : VERSION_SPELLINGS.entrySet()) {
            Matcher matcher = spelling.getKey().matcher(upstream);
            if (matcher.matches()) {
                return matcher.replaceFirst(spelling.getValue());
            }
        }
        return upstream;
    }

    private static String value(String text) {
        return text == null ? "" : text;
    }

    /**
     * Picks the items this server needs, under its own file names: one metadata tarball (LXD's, else Incus's),
     * the wanted root files (squashfs, else root.tar.xz, for containers; one disk for VMs) or a unified
     * tarball, and the deltas of the squashfs from other versions (as {@code rootfs.<base>.vcdiff}; a delta the
     * clients cannot use is left out with a problem, the version still comes). Disk deltas are not mirrored: Incus
     * would apply them to the container's squashfs where a version holds both. Returns why the version cannot be
     * mirrored, or null.
     */
    private static String files(Remote remote, URI base, ProductKey key, Map<String, UpstreamCatalog.Item> items,
            List<WantedFile> files, List<Problem> problems) {
        Map<String, UpstreamCatalog.Item> byFtype = new LinkedHashMap<>();
        for (UpstreamCatalog.Item item : items.values()) {
            if (item.ftype() != null) {
                byFtype.putIfAbsent(item.ftype(), item);
            }
        }
        boolean containers = remote.wants(key.os(), key.release(), key.arch(), key.variant(), ImageKind.CONTAINER);
        boolean vms = remote.wants(key.os(), key.release(), key.arch(), key.variant(), ImageKind.VM);
        Map<String, UpstreamCatalog.Item> chosen = new LinkedHashMap<>();
        if (containers) {
            if (byFtype.containsKey(Ftypes.SQUASHFS)) {
                chosen.put("rootfs.squashfs", byFtype.get(Ftypes.SQUASHFS));
            } else if (byFtype.containsKey(Ftypes.ROOT_TAR_XZ)) {
                chosen.put("root.tar.xz", byFtype.get(Ftypes.ROOT_TAR_XZ));
            }
        }
        if (vms) {
            // LXD's older VM items (cloud-images) are qcow2 disks too, with a fingerprint of their own.
            VM_DISKS.stream().filter(byFtype::containsKey).findFirst()
                    .ifPresent(disk -> chosen.put("disk.qcow2", byFtype.get(disk)));
        }
        Map<String, String> fingerprints = Map.of();
        if (!chosen.isEmpty()) {
            // The item's ftype is also the name the file is stored under.
            String meta = byFtype.containsKey(Ftypes.LXD_METADATA) ? Ftypes.LXD_METADATA
                    : byFtype.containsKey(Ftypes.INCUS_METADATA) ? Ftypes.INCUS_METADATA : null;
            if (meta == null) {
                return "root files but no metadata tarball (lxd.tar.xz or incus.tar.xz item)";
            }
            chosen.put(meta, byFtype.get(meta));
            fingerprints = byFtype.get(meta).fingerprints();
        } else if (containers) {
            for (String unified : List.of(Ftypes.LXD_UNIFIED, Ftypes.INCUS_UNIFIED)) {
                if (byFtype.containsKey(unified)) {
                    chosen.put(unified, byFtype.get(unified));
                    break;
                }
            }
        }
        for (Map.Entry<String, UpstreamCatalog.Item> entry : chosen.entrySet()) {
            UpstreamCatalog.Item item = entry.getValue();
            if (item.size() < 0 || !Sha256.isHex(item.sha256()) || item.path() == null) {
                return "item " + item.ftype() + " lacks a path, an exact size or a lowercase sha256";
            }
            Optional<URI> url = UpstreamCatalog.resolve(base, item.path());
            if (url.isEmpty()) {
                return "item path '" + item.path() + "' is not a relative path under the remote";
            }
            files.add(new WantedFile(entry.getKey(), url.get(), item.size(), item.sha256(),
                    fingerprints.get(item.ftype())));
        }
        if (chosen.containsKey("rootfs.squashfs")) {
            squashfsDeltas(base, key, items, files, problems);
        }
        return null;
    }

    private static void squashfsDeltas(URI base, ProductKey key, Map<String, UpstreamCatalog.Item> items,
            List<WantedFile> files, List<Problem> problems) {
        for (UpstreamCatalog.Item item : items.values()) {
            if (!Ftypes.SQUASHFS_DELTA.equals(item.ftype())) {
                continue;
            }
            String baseVersion = item.deltaBase() == null ? null : localVersionName(item.deltaBase());
            Optional<URI> url = item.path() == null ? Optional.empty() : UpstreamCatalog.resolve(base, item.path());
            if (baseVersion == null || !Layout.isVersionName(baseVersion) || item.size() < 0
                    || !Sha256.isHex(item.sha256()) || url.isEmpty()) {
                problems.add(new Problem(key.directory(), "delta " + item.path() + " not mirrored: it lacks a "
                        + "delta_base naming a version, a path under the remote, an exact size or a lowercase sha256"));
                continue;
            }
            files.add(new WantedFile("rootfs." + baseVersion + ".vcdiff", url.get(), item.size(), item.sha256(),
                    null));
        }
    }

    /**
     * The upstream's os, release title, codename, aliases, requirements, end of support and support flag, as the
     * override file this server already understands, marked with the remote's name. Aliases a local product uses,
     * and values that clients could not take, are left out.
     */
    private static byte[] metadataJson(Remote remote, ProductKey key, UpstreamCatalog.Product product, Local local,
            List<Problem> problems) {
        List<String> aliases = new ArrayList<>();
        if (product.aliases() != null) {
            for (String alias : product.aliases().split(",")) {
                if (alias.isEmpty()) {
                    continue;
                }
                Optional<String> owner;
                if (!Overrides.isValidAlias(alias)) {
                    problems.add(new Problem(key.directory(), "upstream alias '" + alias + "' is not one clients "
                            + "can use; left out"));
                } else if ((owner = local.foreignAliasOwner(alias, key.arch())).isPresent()) {
                    problems.add(new Problem(key.directory(), "conflict: alias '" + alias + "' is used here by "
                            + owner.get() + "; the local product keeps it and the mirrored one goes without"));
                } else {
                    aliases.add(alias);
                }
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        if (Overrides.isValidText(product.os())) {
            json.put("os", product.os());
        }
        if (Overrides.isValidText(product.releaseTitle())) {
            json.put("release_title", product.releaseTitle());
        }
        UpstreamCatalog.Facts facts = product.facts();
        if (Overrides.isValidText(facts.releaseCodename())) {
            json.put("release_codename", facts.releaseCodename());
        }
        Map<String, String> requirements = new TreeMap<>();
        facts.requirements().forEach((name, value) -> {
            if (Overrides.isValidRequirement(name, value)) {
                requirements.put(name, value);
            } else {
                problems.add(new Problem(key.directory(), "upstream requirement '" + name + "' is not one clients "
                        + "can use; left out"));
            }
        });
        if (!requirements.isEmpty()) {
            json.put("requirements", requirements);
        }
        if (Overrides.isValidDate(facts.supportEol())) {
            json.put("support_eol", facts.supportEol());
        }
        if (facts.supported() != null) {
            json.put("supported", facts.supported());
        }
        json.put("aliases", aliases);
        // The upstream's aliases exactly: ours would claim names the upstream gave to other products.
        json.put("default_aliases", false);
        json.put("mirrored_from", remote.name());
        try {
            byte[] bytes = JSON.writeValueAsBytes(json);
            Overrides.parse(bytes);
            return bytes;
        } catch (JsonProcessingException | MetadataException e) {
            throw new IllegalStateException("the override file is built from checked values", e);
        }
    }
}
