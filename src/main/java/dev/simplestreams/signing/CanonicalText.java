package dev.simplestreams.signing;

/** The canonical form a text signature covers: trailing spaces, tabs and CRs of a line are not signed. */
final class CanonicalText {

    private CanonicalText() {
    }

    /** The index of the first LF at or after {@code start}, or the text's length. */
    static int lineEnd(byte[] text, int start) {
        int end = start;
        while (end < text.length && text[end] != '\n') {
            end++;
        }
        return end;
    }

    static boolean hasCarriageReturn(byte[] text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text[i] == '\r') {
                return true;
            }
        }
        return false;
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
