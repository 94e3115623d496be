package dev.simplestreams.catalog;

/** The four directory levels that name a product: {@code images/<os>/<release>/<arch>/<variant>}. */
public record ProductKey(String os, String release, String arch, String variant) implements Comparable<ProductKey> {

    /** The product id clients see, {@code os:release:arch:variant}. */
    public String id() {
        return os + ":" + release + ":" + arch + ":" + variant;
    }

    public String directory() {
        return Layout.IMAGES + "/" + os + "/" + release + "/" + arch + "/" + variant;
    }

    @Override
    public int compareTo(ProductKey other) {
        return id().compareTo(other.id());
    }
}
