package dev.simplestreams.web;

/** The URLs of views: {@code v/<name>/<rest>} and {@code t/<token>/<rest>}, below the context. */
final class ViewPaths {

    static final String BY_NAME = "v/";
    static final String BY_TOKEN = "t/";

    /** {@code key}: the view's name or token; {@code rest}: the path below the view, as below the root. */
    record Parsed(boolean byToken, String key, String rest) {
    }

    private ViewPaths() {
    }

    /** {@code path} starts with {@link #BY_NAME} or {@link #BY_TOKEN}. */
    static Parsed parse(String path) {
        int slash = path.indexOf('/', 2);
        String key = slash < 0 ? path.substring(2) : path.substring(2, slash);
        return new Parsed(path.startsWith(BY_TOKEN), key, slash < 0 ? "" : path.substring(slash + 1));
    }

    /** The path below the root that {@code path} (below the context, {@code v/<name>/images/...}) stands for. */
    static String rest(String path) {
        return parse(path).rest();
    }
}
