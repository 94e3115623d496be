package dev.simplestreams.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Overrides;
import dev.simplestreams.catalog.ProductKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which upstream items become which local files, and what is refused, from an upstream catalogue alone. */
class PlannerTest {

    private static final URI BASE = URI.create("https://up.example/sub/");
    private static final String SHA = "a".repeat(64);

    private static final Planner.Local NOTHING_LOCAL = new Planner.Local() {
        @Override
        public boolean hasForeignContent(ProductKey product) {
            return false;
        }

        @Override
        public Optional<String> foreignAliasOwner(String alias, String arch) {
            return Optional.empty();
        }
    };

    private static MirrorConfig.Remote remote(String yaml) throws MirrorConfigException {
        return MirrorConfig.parse(("remotes: [{name: up, url: 'https://up.example/sub/'" + yaml + "}]")
                .getBytes(StandardCharsets.UTF_8)).remotes().get(0);
    }

    private static UpstreamCatalog.Item item(String ftype, String path) {
        return new UpstreamCatalog.Item(ftype, path, 10, SHA);
    }

    /** A product as images.linuxcontainers.org lists one: both metadata names, squashfs, root.tar.xz, disk, a delta. */
    private static UpstreamCatalog.Product product(String id, String... versions) {
        TreeMap<String, Map<String, UpstreamCatalog.Item>> byVersion = new TreeMap<>();
        for (String version : versions) {
            String dir = "images/" + id.replace(':', '/') + "/" + version + "/";
            Map<String, UpstreamCatalog.Item> items = new LinkedHashMap<>();
            items.put("incus.tar.xz", item("incus.tar.xz", dir + "incus.tar.xz"));
            items.put("lxd.tar.xz", item("lxd.tar.xz", dir + "lxd.tar.xz"));
            items.put("root.squashfs", item("squashfs", dir + "rootfs.squashfs"));
            items.put("root.tar.xz", item("root.tar.xz", dir + "rootfs.tar.xz"));
            items.put("disk.qcow2", item("disk-kvm.img", dir + "disk.qcow2"));
            items.put("delta-x", item("squashfs.vcdiff", dir + "rootfs.vcdiff"));
            byVersion.put(version, items);
        }
        String[] p = id.split(":");
        String os = Character.toUpperCase(p[0].charAt(0)) + p[0].substring(1);
        return new UpstreamCatalog.Product(id, os, p[1], p[2], p[3], "24.04 LTS", "ubuntu/noble,bad alias",
                byVersion);
    }

    @Test
    void keepsTheUpstreamsRequirementsEndOfSupportCodenameAndExactlyItsAliases() throws Exception {
        String dir = "images/debian/12/amd64/cloud/20261101_10:00/";
        byte[] images = ("{\"content_id\": \"images\", \"datatype\": \"image-downloads\", \"format\": \"products:1.0\","
                + " \"products\": {\"debian:12:amd64:cloud\": {\"os\": \"Debian\", \"release\": \"12\","
                + " \"arch\": \"amd64\", \"variant\": \"cloud\", \"release_title\": \"bookworm\","
                + " \"release_codename\": \"Bookworm\", \"aliases\": \"debian/12/cloud\", \"supported\": true,"
                + " \"support_eol\": \"2028-06-30\", \"lxd_requirements\": {\"secureboot\": \"false\"},"
                + " \"requirements\": {\"secureboot\": \"false\", \"cdrom_agent\": \"true\", \"Bad Name\": \"x\"},"
                + " \"versions\": {\"20261101_10:00\": {\"items\": {"
                + " \"lxd.tar.xz\": {\"ftype\": \"lxd.tar.xz\", \"path\": \"" + dir + "lxd.tar.xz\", \"size\": 10,"
                + " \"sha256\": \"" + SHA + "\"},"
                + " \"disk\": {\"ftype\": \"disk-kvm.img\", \"path\": \"" + dir + "disk.qcow2\", \"size\": 10,"
                + " \"sha256\": \"" + SHA + "\"}}}}}}}").getBytes(StandardCharsets.UTF_8);
        List<UpstreamCatalog.Product> upstream = UpstreamCatalog.products(BASE.resolve("streams/v1/images.json"), images);

        Planner.Plan plan = Planner.plan(remote(""), BASE, upstream, NOTHING_LOCAL);

        Overrides overrides = Overrides.parseStrict(plan.versions().get(0).metadataJson());
        assertEquals(new Overrides("Debian", "bookworm", "Bookworm", List.of("debian/12/cloud"), false,
                new TreeMap<>(Map.of("secureboot", "false", "cdrom_agent", "true")), "2028-06-30", true, "up",
                List.of()), overrides);
        assertTrue(plan.problems().toString().contains("upstream requirement 'Bad Name' is not one clients can use"));
    }

    @Test
    void takesOneMetadataTarballTheSquashfsAndTheDiskUnderOurNames() throws Exception {
        Planner.Plan plan = Planner.plan(remote(""), BASE, List.of(product("ubuntu:noble:amd64:default",
                "20261101_10:00")), NOTHING_LOCAL);
        assertEquals(1, plan.versions().size());
        Planner.WantedVersion version = plan.versions().get(0);
        assertEquals("images/ubuntu/noble/amd64/default/20261101_10:00", version.key().directory());
        Map<String, String> files = new TreeMap<>();
        version.files().forEach(f -> files.put(f.name(), f.url().toString()));
        assertEquals(Map.of(
                "rootfs.squashfs", "https://up.example/sub/images/ubuntu/noble/amd64/default/20261101_10:00/rootfs.squashfs",
                "disk.qcow2", "https://up.example/sub/images/ubuntu/noble/amd64/default/20261101_10:00/disk.qcow2",
                "lxd.tar.xz", "https://up.example/sub/images/ubuntu/noble/amd64/default/20261101_10:00/lxd.tar.xz"),
                files, "no root.tar.xz next to a squashfs, no delta, one metadata tarball");
        Overrides overrides = Overrides.parse(version.metadataJson());
        assertEquals(new Overrides("Ubuntu", "24.04 LTS", null, List.of("ubuntu/noble"), false, null, null, null, "up",
                List.of()), overrides);
        assertTrue(plan.problems().toString().contains("upstream alias 'bad alias' is not one clients can use"));
    }

    @Test
    void takesTheSquashfsDeltasFromVersionsItAlsoMirrorsUnderOurNames() throws Exception {
        UpstreamCatalog.Product product = product("ubuntu:noble:amd64:default", "20261101_1000", "20261102_1000",
                "20261103_1000");
        Map<String, UpstreamCatalog.Item> newest = product.versions().get("20261103_1000");
        String dir = "images/ubuntu/noble/amd64/default/20261103_1000/";
        for (String base : List.of("20261101_1000", "20261102_1000")) {
            newest.put("delta-" + base, new UpstreamCatalog.Item("squashfs.vcdiff", dir + "delta-" + base + ".vcdiff",
                    10, SHA, Map.of(), base));
        }
        newest.put("disk-delta", new UpstreamCatalog.Item("disk-kvm.img.vcdiff", dir + "delta.qcow2.vcdiff", 10, SHA,
                Map.of(), "20261102_1000"));
        newest.put("bad-delta", new UpstreamCatalog.Item("squashfs.vcdiff", dir + "bad.vcdiff", 10, SHA, Map.of(),
                "yesterday"));

        Planner.Plan plan = Planner.plan(remote(", keep: 2"), BASE, List.of(product), NOTHING_LOCAL);
        Planner.WantedVersion version = plan.versions().get(1);
        assertEquals("images/ubuntu/noble/amd64/default/20261103_10:00", version.key().directory());
        Map<String, String> deltas = new TreeMap<>();
        version.files().stream().filter(f -> f.name().endsWith(".vcdiff"))
                .forEach(f -> deltas.put(f.name(), f.url().toString()));
        assertEquals(Map.of("rootfs.20261102_10:00.vcdiff", "https://up.example/sub/" + dir
                + "delta-20261102_1000.vcdiff"), deltas, "keep: 2 leaves the oldest version, and its delta, upstream; "
                + "no disk delta, no delta without a version for a base");
        assertTrue(plan.problems().toString().contains("delta " + dir + "bad.vcdiff not mirrored"), plan.problems()
                .toString());

        Planner.Plan vmsOnly = Planner.plan(remote(", images: [{type: vm}]"), BASE, List.of(product), NOTHING_LOCAL);
        assertTrue(vmsOnly.versions().stream().flatMap(v -> v.files().stream())
                .noneMatch(f -> f.name().endsWith(".vcdiff")), "no squashfs mirrored, no squashfs delta");
    }

    @Test
    void filtersByNameAndTypeAndKeepsTheNewest() throws Exception {
        List<UpstreamCatalog.Product> upstream = List.of(
                product("ubuntu:noble:amd64:default", "20261101_10:00", "20261102_10:00", "20261103_10:00"),
                product("ubuntu:noble:arm64:default", "20261101_10:00"),
                product("debian:trixie:amd64:default", "20261101_10:00"));
        Planner.Plan plan = Planner.plan(remote(", keep: 2, images: [{os: ubuntu, arch: amd64, type: vm}]"), BASE,
                upstream, NOTHING_LOCAL);
        assertEquals(List.of("images/ubuntu/noble/amd64/default/20261102_10:00",
                "images/ubuntu/noble/amd64/default/20261103_10:00"),
                plan.versions().stream().map(v -> v.key().directory()).toList());
        assertEquals(List.of("disk.qcow2", "lxd.tar.xz"),
                plan.versions().get(0).files().stream().map(Planner.WantedFile::name).sorted().toList());
    }

    @Test
    void takesCompactVersionNamesInThisLayoutsSpelling() throws Exception {
        Planner.Plan plan = Planner.plan(remote(", keep: 1"), BASE, List.of(product("ubuntu:noble:amd64:default",
                "20261101_0915", "20261102_0915", "20261102_09:15")), NOTHING_LOCAL);
        assertEquals(List.of("images/ubuntu/noble/amd64/default/20261102_09:15"),
                plan.versions().stream().map(v -> v.key().directory()).toList());
        assertTrue(plan.versions().get(0).files().get(0).url().toString().contains("/20261102_"));
        assertTrue(plan.problems().toString().contains("another upstream version is also named 20261102_09:15 here"),
                plan.problems().toString());
    }

    private static List<UpstreamCatalog.Product> incusSimplestreamsCatalogue() throws Exception {
        try (var in = PlannerTest.class.getResourceAsStream("/upstreams/incus-simplestreams-images.json")) {
            return UpstreamCatalog.products(BASE.resolve("streams/v1/images.json"), in.readAllBytes());
        }
    }

    /**
     * What {@code incus-simplestreams add} (Incus 6.0.4) wrote for a container and a VM of one creation date: an id
     * ordered os:release:variant:arch, a version named YYYYMMDDHHMM, flat file names.
     */
    @Test
    void readsProductFactsFromTheFieldsAndIncusSimplestreamsVersionNames() throws Exception {
        Planner.Plan plan = Planner.plan(remote(", images: [{os: testos, type: container}]"), BASE,
                incusSimplestreamsCatalogue(), NOTHING_LOCAL);

        assertEquals(List.of(), plan.problems());
        assertEquals(1, plan.versions().size());
        Planner.WantedVersion version = plan.versions().get(0);
        assertEquals("images/testos/1.0/x86_64/default/20240101_00:00", version.key().directory());
        String flat = "https://up.example/sub/images/f84499d98bd2d2015d6f9e4363930e443611a4bc8f55e4ebbb7e989ea7074e5d";
        assertEquals(Map.of("rootfs.squashfs", flat + ".squashfs", "incus.tar.xz", flat + ".incus.tar.xz"),
                version.files().stream().collect(java.util.stream.Collectors.toMap(Planner.WantedFile::name,
                        f -> f.url().toString())));
        assertEquals(List.of("testos/1.0/default"), Overrides.parse(version.metadataJson()).aliases());
    }

    /** The fetch checks each root against them: incus-simplestreams may list another tarball's VM fingerprint. */
    @Test
    void carriesTheFingerprintsTheUpstreamListsToEachRoot() throws Exception {
        Planner.Plan plan = Planner.plan(remote(""), BASE, incusSimplestreamsCatalogue(), NOTHING_LOCAL);
        Map<String, String> fingerprints = new TreeMap<>();
        plan.versions().get(0).files().forEach(f -> fingerprints.put(f.name(), String.valueOf(f.fingerprint())));
        assertEquals(Map.of(
                "rootfs.squashfs", "c4965caa24d19e1c6e0894ebc50d3f4e51d18c528f6ba36a77e10b3930656100",
                "disk.qcow2", "8f20f3e7679508aca603115e88c9b02935449f3604589e4ba619752064fe5eba",
                "incus.tar.xz", "null"), fingerprints);
    }

    @Test
    void mapsEachProducersVersionNamesSoTheySortHereAsThere() throws Exception {
        Planner.Plan plan = Planner.plan(remote(""), BASE, List.of(product("ubuntu:noble:amd64:default",
                "20240101", "20240101.1", "20240101.10", "20240101.2", "202401011230", "20240102_0915",
                "20240103_10:00")), NOTHING_LOCAL);
        assertEquals(List.of("20240101_00:00", "20240101_00:01", "20240101_00:10", "20240101_12:30",
                "20240102_09:15", "20240103_10:00"), plan.versions().stream().map(v -> v.key().version()).toList());
        assertEquals(List.of("upstream product ubuntu:noble:amd64:default version 20240101.2: not mirrored: it "
                + "would be named 20240101_00:02 here, which sorts before 20240101_00:10 although the upstream sorts "
                + "it after"),
                plan.problems().stream().map(Object::toString).filter(p -> p.contains(" version ")).toList());
    }

    @Test
    void aProductWithoutVariantIsTheDefaultOne() throws Exception {
        UpstreamCatalog.Product product = product("ubuntu:noble:amd64:default", "20240101");
        UpstreamCatalog.Product cloud = new UpstreamCatalog.Product("com.ubuntu.cloud:server:24.04:amd64", "ubuntu",
                "noble", "amd64", null, "24.04 LTS", null, product.versions());
        Planner.Plan plan = Planner.plan(remote(", images: [{variant: default}]"), BASE, List.of(cloud),
                NOTHING_LOCAL);
        assertEquals(List.of("images/ubuntu/noble/amd64/default/20240101_00:00"),
                plan.versions().stream().map(v -> v.key().directory()).toList());
    }

    /** lxd-imagebuilder's simplestream-maintainer: a display name as os, the directory name as distro. */
    @Test
    void placesAnLxdImagebuilderProductUnderItsDistro() throws Exception {
        byte[] images = """
                {"products": {"ubuntu-core:24:amd64:default": {"aliases": "ubuntu-core/24/default",
                 "arch": "amd64", "distro": "ubuntu-core", "os": "Ubuntu Core", "release": "24",
                 "release_title": "24", "variant": "default", "requirements": {},
                 "versions": {"20240505_1212": {"items": {
                  "lxd.tar.xz": {"ftype": "lxd.tar.xz",
                   "path": "images/ubuntu-core/24/amd64/default/20240505_1212/lxd.tar.xz", "size": 10,
                   "sha256": "%1$s", "combined_disk-kvm-img_sha256": "%2$s"},
                  "disk.qcow2": {"ftype": "disk-kvm.img",
                   "path": "images/ubuntu-core/24/amd64/default/20240505_1212/disk.qcow2", "size": 10, "sha256": "%1$s"}
                }}}}}}""".formatted(SHA, "d".repeat(64)).getBytes(StandardCharsets.UTF_8);
        Planner.Plan plan = Planner.plan(remote(", images: [{os: ubuntu-core}]"), BASE,
                UpstreamCatalog.products(BASE.resolve("streams/v1/images.json"), images), NOTHING_LOCAL);
        assertEquals(List.of("images/ubuntu-core/24/amd64/default/20240505_12:12"),
                plan.versions().stream().map(v -> v.key().directory()).toList(), plan.problems()::toString);
        assertEquals("Ubuntu Core", Overrides.parse(plan.versions().get(0).metadataJson()).os());
    }

    @Test
    void twoUpstreamProductsWithTheSameFactsMirrorTheFirst() throws Exception {
        UpstreamCatalog.Product released = product("ubuntu:noble:amd64:default", "20240101");
        UpstreamCatalog.Product daily = new UpstreamCatalog.Product("daily:ubuntu:noble:amd64", "ubuntu", "noble",
                "amd64", "default", null, null, product("ubuntu:noble:amd64:default", "20240102").versions());
        Planner.Plan plan = Planner.plan(remote(""), BASE, List.of(released, daily), NOTHING_LOCAL);
        assertEquals(List.of("images/ubuntu/noble/amd64/default/20240101_00:00"),
                plan.versions().stream().map(v -> v.key().directory()).toList());
        assertTrue(plan.problems().toString().contains("upstream product daily:ubuntu:noble:amd64: not mirrored: "
                + "upstream product ubuntu:noble:amd64:default has the same os, release, arch and variant"),
                plan.problems().toString());
    }

    /**
     * Producers that publish for one client family only (LXD's metadata name, or Incus's), with each root kind the
     * clients know and the combined hash each root's fingerprint is read from.
     */
    @ParameterizedTest
    @CsvSource({"lxd.tar.xz, squashfs, rootfs.squashfs, c", "incus.tar.xz, squashfs, rootfs.squashfs, c",
            "incus.tar.xz, root.tar.xz, root.tar.xz, b", "lxd.tar.xz, disk-kvm.img, disk.qcow2, d",
            "lxd.tar.xz, disk1.img, disk.qcow2, e", "lxd.tar.xz, uefi1.img, disk.qcow2, f"})
    void takesWhicheverMetadataNameAndRootKindTheUpstreamHas(String metadata, String rootFtype, String rootName,
            String fingerprint) throws Exception {
        String dir = "images/x/";
        StringBuilder combined = new StringBuilder();
        Map.of("combined_sha256", "b", "combined_squashfs_sha256", "c", "combined_disk-kvm-img_sha256", "d",
                "combined_disk1-img_sha256", "e", "combined_uefi1-img_sha256", "f").forEach((field, hash) ->
                combined.append(", \"").append(field).append("\": \"").append(hash.repeat(64)).append('"'));
        byte[] images = ("{\"products\": {\"p\": {\"os\": \"Alpine\", \"release\": \"3.22\", \"arch\": \"arm64\","
                + " \"variant\": \"cloud\", \"versions\": {\"20250101_0742\": {\"items\": {"
                + " \"m\": {\"ftype\": \"" + metadata + "\", \"path\": \"" + dir + "meta\", \"size\": 10,"
                + " \"sha256\": \"" + SHA + "\"" + combined + "},"
                + " \"r\": {\"ftype\": \"" + rootFtype + "\", \"path\": \"" + dir + "root\", \"size\": 10,"
                + " \"sha256\": \"" + SHA + "\"}}}}}}}").getBytes(StandardCharsets.UTF_8);
        Planner.Plan plan = Planner.plan(remote(""), BASE,
                UpstreamCatalog.products(BASE.resolve("streams/v1/images.json"), images), NOTHING_LOCAL);
        Map<String, String> files = new TreeMap<>();
        plan.versions().get(0).files().forEach(f -> files.put(f.name(), String.valueOf(f.fingerprint())));
        assertEquals(Map.of(metadata, "null", rootName, fingerprint.repeat(64)), files);
        assertEquals("images/alpine/3.22/arm64/cloud/20250101_07:42", plan.versions().get(0).key().directory());
    }

    @Test
    void readsEveryProductsDocumentClientsRead() throws Exception {
        byte[] index = """
                {"format": "index:1.0", "index": {
                 "a": {"datatype": "image-downloads", "path": "streams/v1/a.json", "products": ["x"]},
                 "b": {"datatype": "image-downloads", "path": "streams/v1/b.json", "products": ["y"]},
                 "empty": {"datatype": "image-downloads", "path": "streams/v1/c.json", "products": []},
                 "other": {"datatype": "content-download", "path": "streams/v1/d.json", "products": ["z"]}}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(BASE.resolve("streams/v1/a.json"), BASE.resolve("streams/v1/b.json")),
                UpstreamCatalog.imagesUrls(BASE, BASE.resolve("streams/v1/index.json"), index));
    }

    @Test
    void neverTrustsUpstreamNamesOrPaths() throws Exception {
        Map<String, UpstreamCatalog.Item> escaping = new LinkedHashMap<>();
        escaping.put("lxd.tar.xz", item("lxd.tar.xz", "../../etc/lxd.tar.xz"));
        escaping.put("root", item("squashfs", "images/x/rootfs.squashfs"));
        Map<String, UpstreamCatalog.Item> absolute = new LinkedHashMap<>();
        absolute.put("lxd.tar.xz", item("lxd.tar.xz", "https://elsewhere.example/lxd.tar.xz"));
        absolute.put("root", item("squashfs", "images/x/rootfs.squashfs"));
        Map<String, UpstreamCatalog.Item> rooted = new LinkedHashMap<>();
        rooted.put("lxd.tar.xz", item("lxd.tar.xz", "images/x/lxd.tar.xz"));
        rooted.put("root", item("squashfs", "/rootfs.squashfs"));
        List<UpstreamCatalog.Product> upstream = List.of(
                new UpstreamCatalog.Product("evil:../x:amd64:default", "evil", "../x", "amd64", "default", null, null,
                        new TreeMap<>(Map.of("20261101_10:00", escaping))),
                new UpstreamCatalog.Product("ok:one:amd64:default", "ok", "one", "amd64", "default", null, null,
                        new TreeMap<>(Map.of("20261101_10:00", escaping, "20261102_10:00", absolute,
                                "20261103_10:00", rooted, "latest", escaping))),
                new UpstreamCatalog.Product("ok:two:sparc:default", "ok", "two", "sparc", "default", null, null,
                        new TreeMap<>(Map.of("20261101_10:00", escaping))));
        Planner.Plan plan = Planner.plan(remote(""), BASE, upstream, NOTHING_LOCAL);
        assertEquals(List.of(), plan.versions());
        String problems = plan.problems().toString();
        assertTrue(problems.contains("release '../x' is not allowed"), problems);
        assertTrue(problems.contains("item path '../../etc/lxd.tar.xz' is not a relative path under the remote"), problems);
        assertTrue(problems.contains("item path 'https://elsewhere.example/lxd.tar.xz' is not a relative path"), problems);
        assertTrue(problems.contains("item path '/rootfs.squashfs' is not a relative path"), problems);
        assertTrue(problems.contains("version directory 'latest' is not a date"), problems);
        assertTrue(problems.contains("architecture 'sparc' is not one LXD/Incus clients know"), problems);
    }

    @Test
    void localContentWins() throws Exception {
        Planner.Local local = new Planner.Local() {
            @Override
            public boolean hasForeignContent(ProductKey product) {
                return product.release().equals("jammy");
            }

            @Override
            public Optional<String> foreignAliasOwner(String alias, String arch) {
                return alias.equals("ubuntu/noble") ? Optional.of("mine:noble:amd64:default") : Optional.empty();
            }
        };
        Planner.Plan plan = Planner.plan(remote(""), BASE, List.of(product("ubuntu:jammy:amd64:default",
                "20261101_10:00"), product("ubuntu:noble:amd64:default", "20261101_10:00")), local);
        assertEquals(List.of("images/ubuntu/noble/amd64/default/20261101_10:00"),
                plan.versions().stream().map(v -> v.key().directory()).toList());
        assertEquals(List.of(), Overrides.parse(plan.versions().get(0).metadataJson()).aliases());
        String problems = plan.problems().toString();
        assertTrue(problems.contains("images/ubuntu/jammy/amd64/default: conflict: this product exists here already"),
                problems);
        assertTrue(problems.contains("alias 'ubuntu/noble' is used here by mine:noble:amd64:default"), problems);
    }
}
