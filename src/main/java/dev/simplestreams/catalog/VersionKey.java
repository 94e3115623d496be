package dev.simplestreams.catalog;

/** One version directory: {@code images/<os>/<release>/<arch>/<variant>/<version>}. */
public record VersionKey(ProductKey product, String version) implements Comparable<VersionKey> {

    public String directory() {
        return product.directory() + "/" + version;
    }

    public String file(String name) {
        return directory() + "/" + name;
    }

    @Override
    public int compareTo(VersionKey other) {
        int byProduct = product.compareTo(other.product);
        return byProduct != 0 ? byProduct : version.compareTo(other.version);
    }

    @Override
    public String toString() {
        return directory();
    }
}
