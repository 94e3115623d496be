package dev.simplestreams.mirror;

import static dev.simplestreams.mirror.Downstream.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simplestreams.testing.Digests;
import dev.simplestreams.testing.NginxTlsProxy;
import dev.simplestreams.testing.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An upstream that is a static tree served by nginx over TLS, as publishers serve theirs: a test writes the
 * image files and the catalogue documents, this serves them and writes the mirror configuration naming them.
 */
final class StaticUpstream implements AutoCloseable {

    private final NginxTlsProxy nginx;
    private final Path config;

    private StaticUpstream(NginxTlsProxy nginx, Path config) {
        this.nginx = nginx;
        this.config = config;
    }

    /**
     * Serves {@code tree}; the configuration in {@code work} names it as the remote {@code name}, with
     * {@code options} (more of the remote's YAML flow mapping, e.g. {@code ", keyring: '...'"}, or empty).
     */
    static StaticUpstream serve(Path work, Path tree, String name, String options) throws IOException {
        TestCa ca = TestCa.create(work.resolve("ca"));
        NginxTlsProxy nginx = NginxTlsProxy.serveDirectory(work.resolve("nginx"), ca, tree);
        Path config = Files.writeString(work.resolve("mirror.yaml"), "ca_file: " + ca.caCert() + "\nremotes:\n"
                + "  - {name: " + name + ", url: '" + nginx.httpsUrl() + "/'" + options + "}\n");
        return new StaticUpstream(nginx, config);
    }

    /** The mirror configuration (MIRROR_CONFIG) naming this upstream. */
    Path config() {
        return config;
    }

    String url() {
        return nginx.httpsUrl();
    }

    @Override
    public void close() {
        nginx.close();
    }

    /** {@code streams/v1/index.json} naming {@code images.json}, and {@code images.json} listing {@code products}. */
    static void writeCatalog(Path tree, ObjectNode products) throws IOException {
        Files.createDirectories(tree.resolve("streams/v1"));
        Files.writeString(tree.resolve("streams/v1/index.json"), """
                {"format": "index:1.0", "index": {"images": {"datatype": "image-downloads", "format": "products:1.0",
                 "path": "streams/v1/images.json", "products": ["x"]}}}""");
        ObjectNode images = JSON.createObjectNode().put("content_id", "images").put("datatype", "image-downloads")
                .put("format", "products:1.0");
        images.set("products", products);
        Files.write(tree.resolve("streams/v1/images.json"), JSON.writeValueAsBytes(images));
    }

    /**
     * The items of the split image in {@code dir} as a simplestreams writer lists them, with the sizes and hashes
     * of its files as they are now: paths under {@code base} (the version's directory and '/'), the root file
     * under the item name {@code rootItem}.
     */
    static ObjectNode splitItems(String base, Path dir, String rootItem) throws IOException {
        byte[] meta = Files.readAllBytes(dir.resolve("lxd.tar.xz"));
        byte[] root = Files.readAllBytes(dir.resolve("rootfs.squashfs"));
        ObjectNode items = JSON.createObjectNode();
        items.putObject("lxd.tar.xz").put("ftype", "lxd.tar.xz").put("path", base + "lxd.tar.xz")
                .put("size", meta.length).put("sha256", Digests.sha256(meta))
                .put("combined_squashfs_sha256", Digests.sha256(meta, root));
        items.putObject(rootItem).put("ftype", "squashfs").put("path", base + "rootfs.squashfs")
                .put("size", root.length).put("sha256", Digests.sha256(root));
        return items;
    }
}
