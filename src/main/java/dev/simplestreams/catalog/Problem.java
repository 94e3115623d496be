package dev.simplestreams.catalog;

/** Why a path was left out of the catalogue, in words an operator can act on. */
public record Problem(String path, String reason) implements Comparable<Problem> {

    @Override
    public int compareTo(Problem other) {
        int byPath = path.compareTo(other.path);
        return byPath != 0 ? byPath : reason.compareTo(other.reason);
    }

    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
