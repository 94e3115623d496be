package dev.simplestreams.store;

/** A regular file in the store: '/'-separated path relative to the data root, size, modification time. */
public record StoredFile(String path, long size, long modifiedMillis) {

    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public String parent() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
