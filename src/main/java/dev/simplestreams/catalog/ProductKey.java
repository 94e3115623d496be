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

    /**
     * The order of {@link #id()}, without building the ids: sorting 10,000 versions compared two new strings
     * per comparison, a gigabyte of garbage a minute while uploads rebuilt the catalogue.
     */
    @Override
    public int compareTo(ProductKey other) {
        String[] mine = {os, release, arch, variant};
        String[] theirs = {other.os, other.release, other.arch, other.variant};
        int i = 0;
        int j = 0;
        int a = 0;
        int b = 0;
        while (true) {
            int x = charAt(mine, i, a);
            int y = charAt(theirs, j, b);
            if (x != y) {
                return x - y;
            }
            if (x < 0) {
                return 0;
            }
            if (++a > mine[i].length()) {
                i++;
                a = 0;
            }
            if (++b > theirs[j].length()) {
                j++;
                b = 0;
            }
        }
    }

    /** The character at {@code at} of part {@code part} of an id, ':' just after a part, -1 at the end. */
    private static int charAt(String[] parts, int part, int at) {
        if (part == parts.length - 1 && at == parts[part].length()) {
            return -1;
        }
        return at < parts[part].length() ? parts[part].charAt(at) : ':';
    }
}
