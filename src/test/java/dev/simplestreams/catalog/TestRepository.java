package dev.simplestreams.catalog;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simplestreams.config.Settings;
import dev.simplestreams.coordination.SingleServer;
import dev.simplestreams.indexer.Indexer;
import dev.simplestreams.indexer.IndexerService;
import dev.simplestreams.indexer.IndexingSettings;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.testing.RootFiles;
import dev.simplestreams.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A data root in a test directory: writes image files in the repository layout and indexes them with the
 * server's own {@link Indexer}, then reads the published documents back from disk, as a client would get
 * them. Successive {@link #scan()} calls are successive passes of one indexer; {@link #restart()} starts a
 * new one from the persisted hash cache, as after a redeploy.
 */
public final class TestRepository {

    public static final String UBUNTU = "ubuntu:jammy:amd64:default";
    public static final String V1 = "20241125_12:00";
    public static final String V2 = "20241126_12:00";
    public static final String V3 = "20241127_12:00";

    /** Shared by all indexers of the test run: hashing threads are cheap to keep, costly to start per test. */
    private static final ExecutorService HASH_POOL = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "test-hash");
        thread.setDaemon(true);
        return thread;
    });
    /** xz at the default preset costs tens of milliseconds per tarball; the same yaml gives the same bytes. */
    private static final Map<String, byte[]> TARBALLS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final FileSystemStore store;
    private Indexer indexer;

    public TestRepository(Path root) throws IOException {
        this.store = new FileSystemStore(new DataRoot(root));
        this.root = store.root().path();
        this.indexer = newIndexer(store, new HashCache());
    }

    /** The one place tests construct an indexer: all versions kept, nothing pruned. */
    public static Indexer newIndexer(ImageStore store, HashCache cache) {
        return new Indexer(store, cache, HASH_POOL, 0, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The one place tests construct the background service: all versions kept, nothing pruned.
     * {@code watchedRoot} null means no file events, only rescans.
     */
    public static IndexerService newService(ImageStore store, Path watchedRoot, Duration quietPeriod,
            Duration rescanInterval) {
        return new IndexerService(store, HashCache.load(store), watchedRoot,
                new IndexingSettings(quietPeriod, rescanInterval, 0, Duration.ZERO, Duration.ofDays(7), null,
                        Settings.DEFAULT_CATALOG_SPLIT_BYTES),
                new SingleServer("test"));
    }

    public Path root() {
        return root;
    }

    public FileSystemStore store() {
        return store;
    }

    public Indexer indexer() {
        return indexer;
    }

    /** A new indexer over the same tree with the hash cache the previous one persisted, as after a redeploy. */
    public Indexer restart() {
        return restartWith(store);
    }

    /** Like {@link #restart()}, reading through {@code instrumented} (a probe wrapping {@link #store()}, say). */
    public Indexer restartWith(ImageStore instrumented) {
        indexer = newIndexer(instrumented, HashCache.load(instrumented));
        return indexer;
    }

    /** The '/'-separated path relative to the data root, as problems and items name files. */
    public String relative(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    // ---- writing trees ----

    public Path dir(String product, String version) {
        return root.resolve(Layout.IMAGES).resolve(product.replace(':', '/')).resolve(version);
    }

    public Path file(String product, String version, String name) {
        return dir(product, version).resolve(name);
    }

    public Path write(String product, String version, String name, byte[] content) throws IOException {
        Path file = file(product, version, name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return file;
    }

    /** A root file or delta named here is a stand-in of its kind around {@code content} ({@link RootFiles}). */
    public Path write(String product, String version, String name, String content) throws IOException {
        return write(product, version, name, RootFiles.forName(name, content.getBytes(StandardCharsets.UTF_8)));
    }

    /** A split image: the product's metadata tarball as {@code lxd.tar.xz} plus one stand-in file per root name. */
    public Path splitImage(String product, String version, String... rootNames) throws IOException {
        write(product, version, "lxd.tar.xz", metadataTarball(product));
        for (String rootName : rootNames) {
            write(product, version, rootName, rootBytes(product, version, rootName));
        }
        return dir(product, version);
    }

    /** The usual container image: metadata tarball and rootfs.squashfs. */
    public Path containerImage(String product, String version) throws IOException {
        return splitImage(product, version, "rootfs.squashfs");
    }

    public Path unifiedImage(String product, String version, String fileName) throws IOException {
        write(product, version, fileName, unifiedTarball(product, version));
        return dir(product, version);
    }

    /** Copies a directory tree, keeping modification times (as {@code cp -a} or rsync would). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** A real tar.xz whose metadata.yaml matches the product id (architecture in its kernel spelling). */
    public static byte[] metadataTarball(String product) {
        String[] p = product.split(":");
        return metadataTarballFor(Trees.metadataYaml(Trees.kernelArch(p[2]), p[0], p[1], p[3]));
    }

    public static byte[] metadataTarballFor(String yaml) {
        return TARBALLS.computeIfAbsent(yaml, y -> {
            try {
                return Trees.metadataTarXz(y);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).clone();
    }

    public static byte[] unifiedTarball(String product, String version) throws IOException {
        String[] p = product.split(":");
        return Trees.unifiedTarGz(Trees.metadataYaml(Trees.kernelArch(p[2]), p[0], p[1], p[3]),
                rootBytes(product, version, "unified"));
    }

    /** Stand-in root file content, different for every product, version and name so fingerprints never collide. */
    public static byte[] rootBytes(String product, String version, String name) {
        return RootFiles.forName(name, ("root file " + name + " of " + product + " " + version + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    // ---- reading what was published ----

    public Scan scan() throws IOException {
        return new Scan(indexer.fullScan());
    }

    public final class Scan {
        private final PublishedCatalog catalog;
        private final byte[] indexBytes;
        private final byte[] imagesBytes;
        private final GoJson.Stream index;
        private final GoJson.Products images;

        private Scan(PublishedCatalog catalog) throws IOException {
            this.catalog = catalog;
            this.indexBytes = Files.readAllBytes(root.resolve(CatalogJson.INDEX_PATH));
            this.imagesBytes = Files.readAllBytes(root.resolve(CatalogJson.IMAGES_PATH));
            this.index = GoJson.index(indexBytes);
            this.images = GoJson.images(imagesBytes);
        }

        public PublishedCatalog catalog() {
            return catalog;
        }

        public byte[] indexBytes() {
            return indexBytes;
        }

        public byte[] imagesBytes() {
            return imagesBytes;
        }

        /** images.json with its timestamp blanked: what must be identical for identical trees. */
        public String imagesWithoutTimestamp() {
            return withoutTimestamps(imagesBytes);
        }

        public String indexWithoutTimestamp() {
            return withoutTimestamps(indexBytes);
        }

        public GoJson.Stream index() {
            return index;
        }

        public GoJson.Products images() {
            return images;
        }

        public JsonNode imagesTree() throws IOException {
            return JSON.readTree(imagesBytes);
        }

        public List<Problem> problems() {
            return catalog.problems();
        }

        /** Asserts a problem is reported at (or under) {@code path}, for a reason that mentions {@code fragment}. */
        public void assertProblem(Path path, String fragment) {
            String relative = relative(path);
            assertTrue(problemsAt(relative).stream().anyMatch(p -> p.reason().contains(fragment)),
                    () -> "expected a problem at " + relative + " mentioning '" + fragment + "', got " + problems());
        }

        /** Problems whose path is {@code path} or lies under it. */
        public List<Problem> problemsAt(String path) {
            return catalog.problems().stream()
                    .filter(p -> p.path().equals(path) || p.path().startsWith(path + "/")).toList();
        }

        public boolean hasProduct(String product) {
            return images.products().containsKey(product);
        }

        public GoJson.Product product(String product) {
            GoJson.Product found = images.products().get(product);
            assertNotNull(found, () -> product + " is not published; problems: " + problems());
            return found;
        }

        public boolean hasVersion(String product, String version) {
            return hasProduct(product) && product(product).versions().containsKey(version);
        }

        public Map<String, GoJson.ProductVersionItem> items(String product, String version) {
            GoJson.ProductVersion found = product(product).versions().get(version);
            assertNotNull(found, () -> product + " " + version + " is not published; problems: " + problems());
            return found.items();
        }

        public GoJson.ProductVersionItem item(String product, String version, String key) {
            GoJson.ProductVersionItem item = items(product, version).get(key);
            assertNotNull(item, () -> "no item " + key + " in " + product + " " + version + ": "
                    + items(product, version).keySet());
            return item;
        }

        /** Every item of every version of every product. */
        public Stream<GoJson.ProductVersionItem> allItems() {
            return images.products().values().stream()
                    .flatMap(p -> p.versions().values().stream())
                    .flatMap(v -> v.items().values().stream());
        }

        public byte[] bytesOf(GoJson.ProductVersionItem item) throws IOException {
            return Files.readAllBytes(root.resolve(item.path()));
        }
    }

    public static String withoutTimestamps(byte[] json) {
        return new String(json, StandardCharsets.UTF_8).replaceAll("\"updated\":\"[^\"]*\"", "\"updated\":\"\"");
    }
}
