package dev.simplestreams.signing;

/** The canonical form a text signature covers: trailing spaces, tabs and CRs of a line are not signed. */
final class CanonicalText {

    private CanonicalText() {
    }

    /** The end of {@code text[start, end)} without its trailing blanks. */
    static int withoutTrailingBlanks(byte[] text, int start, int end) {
        int length = end;
        while (length > start && (text[length - 1] == ' ' || text[length - 1] == '\t' || text[length - 1] == '\r')) {
            length--;
        }
        return length;
    }
}
