package dev.simplestreams.catalog;

/** The four directory levels that name a product: {@code images/<os>/<release>/<arch>/<variant>}. */
public record ProductKey(String os, String release, String arch, String variant) implements Comparable<ProductKey> {

    /** The product id clients see, {@code os:release:arch:variant}. */
    public String id() {
        return os + ":" + release + ":" + arch + ":" + variant;
    }

    /** The inverse of {@link #id()}; ids come from this server's own catalogue. */
    public static ProductKey fromId(String id) {
        String[] parts = id.split(":", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a product id: " + id);
        }
        return new ProductKey(parts[0], parts[1], parts[2], parts[3]);
    }

    public String directory() {
        return Layout.IMAGES + "/" + os + "/" + release + "/" + arch + "/" + variant;
    }

    @Override
    public int compareTo(ProductKey other) {
        return id().compareTo(other.id());
    }
}
