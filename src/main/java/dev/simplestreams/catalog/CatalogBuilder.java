package dev.simplestreams.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns what was read from the version directories into the products of images.json. The same sources give
 * the same products, whatever order they come in. An instance remembers what it built for each product, and
 * {@link #rebuild} builds again only the products whose sources changed: one upload changes one product, and
 * rebuilding all of them was most of the time an upload took to publish at 10,000 versions.
 *
 * <p>Longer than 300 lines: the rules that make a version publishable are kept together, to be read as one.
 */
public final class CatalogBuilder {

    public record Result(SortedMap<String, Product> products, List<Problem> problems) {
    }

    /**
     * One product built on its own from {@code given}, the list its caller passed. {@code candidates}: the
     * fingerprints of every version that had items, claimed or not; {@code claimed}: those of the versions
     * published.
     */
    private record Built(List<VersionSource> given, Set<VersionSource> sources, Product product,
            List<Problem> problems, List<String> candidates, Set<String> claimed) {

        /** Built from exactly these objects: a changed directory gets a new source. */
        boolean builtFrom(List<VersionSource> versions) {
            return versions == given
                    || sources.size() == versions.size() && versions.stream().allMatch(sources::contains);
        }
    }

    private static final Comparator<VersionSource> BY_KEY = Comparator.comparing(VersionSource::key);
    private static final String REQUIREMENT_PREFIX = "requirements.";

    private Map<ProductKey, Built> previous = Map.of();

    /** A builder with no memory, for a single build. */
    public static Result build(Collection<VersionSource> sources) {
        return new CatalogBuilder().rebuild(sources);
    }

    /**
     * The catalogue of {@code sources}, exactly as {@link #build} makes it. A product whose sources are the
     * very objects of the previous call is taken from that call, without sorting or reading them again.
     */
    public Result rebuild(Collection<VersionSource> sources) {
        Map<ProductKey, List<VersionSource>> byProduct = new HashMap<>();
        for (VersionSource source : sources) {
            byProduct.computeIfAbsent(source.key().product(), k -> new ArrayList<>()).add(source);
        }
        return rebuild(byProduct);
    }

    /**
     * As {@link #rebuild(Collection)}, for sources already grouped by their product (each list holds only that
     * product's versions). A product given the very list of the previous call is taken from it without looking
     * at its sources: a caller that keeps a product's list until one of its versions changes spares the
     * comparison of every source.
     */
    public Result rebuild(Map<ProductKey, List<VersionSource>> byProduct) {
        List<ProductKey> keys = new ArrayList<>(byProduct.keySet());
        keys.sort(null);
        Map<ProductKey, Built> now = new HashMap<>();
        Set<String> claimedBefore = new HashSet<>();
        for (ProductKey key : keys) {
            List<VersionSource> versions = byProduct.get(key);
            Built built = previous.get(key);
            if (built == null || !built.builtFrom(versions)) {
                built = buildAlone(key, versions);
            }
            now.put(key, built);
            for (String fingerprint : built.candidates()) {
                if (claimedBefore.contains(fingerprint)) {
                    // Which copy of an image is published depends on every product before it: only a build of
                    // all of them in order decides that the same way every time.
                    previous = Map.of();
                    return inOrder(keys, byProduct);
                }
            }
            claimedBefore.addAll(built.claimed());
        }
        previous = now;
        Pass pass = new Pass();
        SortedMap<String, Product> products = new TreeMap<>();
        for (ProductKey key : keys) {
            Built built = now.get(key);
            pass.problems.addAll(built.problems());
            if (built.product() != null) {
                products.put(key.id(), built.product());
            }
        }
        return pass.finish(products);
    }

    private static Built buildAlone(ProductKey key, List<VersionSource> given) {
        List<VersionSource> versions = sorted(given);
        Pass pass = new Pass();
        Product product = pass.product(key, versions);
        Set<VersionSource> sources = Collections.newSetFromMap(new IdentityHashMap<>());
        sources.addAll(versions);
        return new Built(given, sources, product, List.copyOf(pass.problems), List.copyOf(pass.candidates),
                Set.copyOf(pass.fingerprints));
    }

    private static Result inOrder(List<ProductKey> keys, Map<ProductKey, List<VersionSource>> byProduct) {
        Pass pass = new Pass();
        SortedMap<String, Product> products = new TreeMap<>();
        for (ProductKey key : keys) {
            Product product = pass.product(key, sorted(byProduct.get(key)));
            if (product != null) {
                products.put(key.id(), product);
            }
        }
        return pass.finish(products);
    }

    /** A sorted copy: the caller's list may be one it keeps, and is never changed here. */
    private static List<VersionSource> sorted(List<VersionSource> versions) {
        List<VersionSource> sorted = new ArrayList<>(versions);
        sorted.sort(BY_KEY);
        return sorted;
    }

    public static List<String> defaultAliases(ProductKey key) {
        Set<String> aliases = new LinkedHashSet<>();
        aliases.add(key.os() + "/" + key.release() + "/" + key.arch() + "/" + key.variant());
        aliases.add(key.os() + "/" + key.release() + "/" + key.variant());
        if (key.variant().equals("default")) {
            aliases.add(key.os() + "/" + key.release());
        }
        return List.copyOf(aliases);
    }

    /** The problems and claimed fingerprints of one build, in the order products are built. */
    private static final class Pass {

        private final List<Problem> problems = new ArrayList<>();
        private final Set<String> fingerprints = new HashSet<>();
        private final List<String> candidates = new ArrayList<>();

        Result finish(SortedMap<String, Product> products) {
            resolveAliasConflicts(products);
            problems.sort(null);
            return new Result(products, List.copyOf(problems));
        }

        private Product product(ProductKey key, List<VersionSource> sources) {
            SortedMap<String, SortedMap<String, Item>> itemsByVersion = new TreeMap<>();
            Map<String, List<String>> fingerprintsByVersion = new HashMap<>();
            Map<String, VersionSource> published = new TreeMap<>();
            for (VersionSource source : sources) {
                List<String> versionFingerprints = new ArrayList<>();
                SortedMap<String, Item> items = items(source, versionFingerprints);
                if (items == null) {
                    continue;
                }
                candidates.addAll(versionFingerprints);
                if (!claimFingerprints(source, versionFingerprints)) {
                    continue;
                }
                itemsByVersion.put(source.key().version(), items);
                fingerprintsByVersion.put(source.key().version(), List.copyOf(versionFingerprints));
                published.put(source.key().version(), source);
            }
            if (itemsByVersion.isEmpty()) {
                return null;
            }
            published.values().forEach(source -> addDeltas(source, itemsByVersion));

            SortedMap<String, Version> versions = new TreeMap<>();
            itemsByVersion.forEach((name, items) -> versions.put(name,
                    new Version(items, fingerprintsByVersion.get(name), origin(published.get(name)))));

            List<VersionSource> newestFirst = new ArrayList<>(published.values());
            Collections.reverse(newestFirst);
            for (VersionSource source : newestFirst) {
                if (source.overridesProblem() != null) {
                    problems.add(new Problem(source.key().file("metadata.json"), source.overridesProblem()));
                }
            }
            Overrides overrides = newestFirst.stream().map(VersionSource::overrides).filter(o -> o != null)
                    .findFirst().orElse(Overrides.NONE);
            ImageMetadata image = newestFirst.stream().map(VersionSource::metadata).filter(m -> m != null)
                    .findFirst().orElse(null);
            return new Product(
                    String.join(",", aliases(key, overrides)),
                    key.arch(),
                    firstOf(overrides.os(), property(image, "os"), key.os()),
                    firstOf(property(image, "release"), key.release()),
                    firstOf(overrides.releaseTitle(), key.release()),
                    overrides.releaseCodename(),
                    firstOf(property(image, "variant"), key.variant()),
                    property(image, "description"),
                    overrides.requirements() != null ? overrides.requirements() : requirements(image),
                    overrides.supportEol(),
                    overrides.supported(),
                    versions);
        }

        /** metadata.json's aliases come after the default ones, which they replace only with default_aliases false. */
        private static List<String> aliases(ProductKey key, Overrides overrides) {
            if (overrides.aliases() == null) {
                return defaultAliases(key);
            }
            if (Boolean.FALSE.equals(overrides.defaultAliases())) {
                return overrides.aliases();
            }
            Set<String> aliases = new LinkedHashSet<>(defaultAliases(key));
            aliases.addAll(overrides.aliases());
            return List.copyOf(aliases);
        }

        /** A property of the image's own metadata.yaml that clients could show, if it is one. */
        private static String property(ImageMetadata image, String name) {
            String value = image == null ? null : image.property(name);
            return Overrides.isValidText(value) ? value : null;
        }

        /** The image's own {@code requirements.*} properties, which hosts apply to an image imported directly. */
        private static SortedMap<String, String> requirements(ImageMetadata image) {
            if (image == null) {
                return null;
            }
            SortedMap<String, String> requirements = new TreeMap<>();
            image.properties().forEach((name, value) -> {
                String requirement = name.startsWith(REQUIREMENT_PREFIX) ? name.substring(REQUIREMENT_PREFIX.length())
                        : null;
                if (Overrides.isValidRequirement(requirement, value)) {
                    requirements.put(requirement, value);
                }
            });
            return requirements.isEmpty() ? null : requirements;
        }

        private static String firstOf(String... values) {
            for (String value : values) {
                if (value != null) {
                    return value;
                }
            }
            throw new IllegalArgumentException("the last value is always given");
        }

        private static String origin(VersionSource source) {
            return source.overrides() == null ? null : source.overrides().mirroredFrom();
        }

        /** The items of one version, or null (with a problem recorded) when it cannot be published. */
        private SortedMap<String, Item> items(VersionSource source, List<String> versionFingerprints) {
            String dir = source.key().directory();
            if (source.rejection() != null) {
                return reject(dir, source.rejection());
            }
            ImageMetadata metadata = source.metadata();
            if (metadata != null && !Architectures.same(metadata.architecture(), source.key().product().arch())) {
                return reject(dir, "metadata.yaml says architecture '" + metadata.architecture()
                        + "' but the directory says '" + source.key().product().arch()
                        + "'; upload it again under the right architecture directory (and delete this one: HTTP DELETE "
                        + "where ALLOW_DELETES is on, otherwise on the server's disk)");
            }
            Map<FileKind, List<FileFacts>> byKind = source.files().stream()
                    .collect(Collectors.groupingBy(FileFacts::kind, TreeMap::new, Collectors.toList()));
            for (Map.Entry<FileKind, List<FileFacts>> entry : byKind.entrySet()) {
                if (!entry.getKey().isDelta()
                        && entry.getValue().stream().map(FileFacts::sha256).distinct().count() > 1) {
                    return reject(dir, "holds different files of the same kind ("
                            + entry.getValue().stream().map(FileFacts::name).sorted().collect(Collectors.joining(", "))
                            + "); delete all but one (HTTP DELETE where ALLOW_DELETES is on, otherwise on the "
                            + "server's disk)");
                }
            }
            FileFacts meta = first(byKind, FileKind.METADATA);
            FileFacts unified = first(byKind, FileKind.UNIFIED);
            List<FileFacts> roots = source.files().stream().filter(f -> f.kind().isRoot())
                    .collect(Collectors.toMap(f -> f.kind(), f -> f,
                            (a, b) -> a.name().compareTo(b.name()) <= 0 ? a : b, TreeMap::new))
                    .values().stream().toList();

            if (meta == null && unified == null) {
                return reject(dir,
                        "incomplete: no metadata tarball (lxd.tar.xz or incus.tar.xz) or unified tarball yet");
            }
            if (meta != null && roots.isEmpty() && unified == null) {
                return reject(dir, "incomplete: a metadata tarball but no root file yet "
                        + "(rootfs.squashfs, root.tar.xz or disk.qcow2)");
            }
            SortedMap<String, Item> items = new TreeMap<>();
            if (meta != null && !roots.isEmpty()) {
                Item metaItem = Item.file(Ftypes.LXD_METADATA, source.key().file(meta.name()), meta.size(), meta.sha256());
                for (FileFacts root : roots) {
                    if (!Sha256.isHex(root.combinedSha256())) {
                        return reject(dir, "no fingerprint could be computed for " + root.name());
                    }
                    metaItem = metaItem.withCombined(root.kind().ftype(), root.combinedSha256());
                    items.put(root.name(), Item.file(root.kind().ftype(), source.key().file(root.name()), root.size(),
                            root.sha256()));
                    versionFingerprints.add(root.combinedSha256());
                }
                // LXD reads only lxd.tar.xz items and Incus only incus.tar.xz: publish both, same file.
                items.put(Ftypes.LXD_METADATA, metaItem);
                items.put(Ftypes.INCUS_METADATA, metaItem.withFtype(Ftypes.INCUS_METADATA));
            }
            if (unified != null) {
                Item item = Item.file(Ftypes.LXD_UNIFIED, source.key().file(unified.name()), unified.size(),
                        unified.sha256());
                items.put(Ftypes.LXD_UNIFIED, item);
                items.put(Ftypes.INCUS_UNIFIED, item.withFtype(Ftypes.INCUS_UNIFIED));
                versionFingerprints.add(unified.sha256());
            }
            return items;
        }

        /** Clients look images up by fingerprint prefix, so a fingerprint may appear only once per repository. */
        private boolean claimFingerprints(VersionSource source, List<String> versionFingerprints) {
            for (String fingerprint : versionFingerprints) {
                if (fingerprints.contains(fingerprint)) {
                    reject(source.key().directory(), "holds the same image (fingerprint " + fingerprint
                            + ") as a version published already, so it is not published; delete this version directory "
                            + "(HTTP DELETE where ALLOW_DELETES is on, otherwise on the server's disk)");
                    return false;
                }
            }
            fingerprints.addAll(versionFingerprints);
            return true;
        }

        /** Deltas are only useful against a base version still in the catalogue; others are left out quietly. */
        private static void addDeltas(VersionSource source, SortedMap<String, SortedMap<String, Item>> itemsByVersion) {
            SortedMap<String, Item> items = itemsByVersion.get(source.key().version());
            for (FileFacts delta : source.files()) {
                if (!delta.kind().isDelta()) {
                    continue;
                }
                String baseRootFtype = delta.kind() == FileKind.SQUASHFS_DELTA ? FileKind.SQUASHFS.ftype()
                        : FileKind.DISK_KVM.ftype();
                SortedMap<String, Item> base = itemsByVersion.get(delta.deltaBase());
                boolean ownRoot = items.values().stream().anyMatch(i -> i.ftype().equals(baseRootFtype));
                if (base != null && ownRoot
                        && base.values().stream().anyMatch(i -> i.ftype().equals(baseRootFtype))) {
                    items.put(delta.name(), Item.file(delta.kind().ftype(), source.key().file(delta.name()),
                            delta.size(), delta.sha256()).withDeltaBase(delta.deltaBase()));
                }
            }
        }

        /**
         * Clients register every alias A as A and A/arch and pick one product per name by their own sort, so two
         * products of one architecture claiming an alias would make it point somewhere arbitrary. The product
         * whose id sorts first keeps it.
         */
        private void resolveAliasConflicts(SortedMap<String, Product> products) {
            Map<String, String> owners = new HashMap<>();
            for (Map.Entry<String, Product> entry : products.entrySet()) {
                Product product = entry.getValue();
                String arch = Architectures.kernelName(product.arch()).orElse(product.arch());
                List<String> kept = new ArrayList<>();
                for (String alias : product.aliases().split(",")) {
                    if (alias.isEmpty()) {
                        continue;
                    }
                    String owner = owners.putIfAbsent(alias + "\u0000" + arch, entry.getKey());
                    if (owner == null) {
                        kept.add(alias);
                    } else {
                        problems.add(new Problem(directoryOf(entry.getKey()), "alias '" + alias
                                + "' is already used by product " + owner
                                + " for the same architecture; left out here"));
                    }
                }
                String aliases = String.join(",", kept);
                if (!aliases.equals(product.aliases())) {
                    // An unchanged product stays the same object, which later comparisons recognise at once.
                    entry.setValue(product.withAliases(aliases));
                }
            }
        }

        private static String directoryOf(String productId) {
            return Layout.IMAGES + "/" + productId.replace(':', '/');
        }

        private static FileFacts first(Map<FileKind, List<FileFacts>> byKind, FileKind kind) {
            List<FileFacts> files = byKind.get(kind);
            return files == null ? null : files.stream().min(Comparator.comparing(FileFacts::name)).orElseThrow();
        }

        private SortedMap<String, Item> reject(String path, String reason) {
            problems.add(new Problem(path, reason));
            return null;
        }
    }
}
