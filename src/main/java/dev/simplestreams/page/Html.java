package dev.simplestreams.page;

/**
 * The page's markup as it is written: fixed markup from {@link CatalogPage}'s own literals goes in as it is, and
 * every value goes through {@link #text}, the one place that escapes (for text and quoted attribute values alike).
 * Image metadata is user input and stays text.
 */
final class Html {

    private final StringBuilder out;

    Html(int capacity) {
        out = new StringBuilder(capacity);
    }

    /** Markup written by this package, never a value. */
    Html markup(String fixed) {
        out.append(fixed);
        return this;
    }

    /** A value, escaped; {@code null} as nothing. */
    Html text(String value) {
        if (value == null) {
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return this;
    }

    Html text(long value) {
        out.append(value);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
