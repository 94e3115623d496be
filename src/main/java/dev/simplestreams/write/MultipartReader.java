package dev.simplestreams.write;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a multipart/form-data body (RFC 7578) part by part while it streams in; nothing is spooled and no more
 * than one buffer is held. The boundary search is Boyer-Moore-Horspool over the delimiter (CRLF, "--" and the
 * boundary): on file content it looks at about one byte per delimiter length instead of every byte, which is
 * what made the byte-at-a-time search of a general parser the bottleneck of multipart uploads.
 */
public final class MultipartReader {

    static final int BUFFER = 64 << 10;
    /** RFC 2046, section 5.1.1. */
    static final int MAX_BOUNDARY = 70;
    static final int MAX_PART_HEADERS = 8 << 10;
    private static final byte[] CRLF = {'\r', '\n'};

    /** One part; {@code fileName} is null for a form field. {@code content} ends where the part ends. */
    public record Part(String fileName, InputStream content) {
    }

    private final InputStream in;
    private final long maxBytes;
    private final String boundary;
    private final byte[] delimiter;
    private final int[] shift = new int[256];
    private final byte[] buffer = new byte[BUFFER];
    /** The unread bytes are buffer[start, end). */
    private int start;
    private int end;
    /** No delimiter starts before this position. */
    private int searchFrom;
    /** Where the next delimiter starts in the buffer, or -1 while none is in it. */
    private int found = -1;
    private long consumed;
    private PartContent current;
    private boolean finished;

    private MultipartReader(InputStream in, String boundary, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.boundary = boundary;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int m = delimiter.length;
        Arrays.fill(shift, m);
        for (int i = 0; i < m - 1; i++) {
            shift[delimiter[i] & 0xff] = m - 1 - i;
        }
        // The body starts with the boundary line itself, without the CRLF that precedes it everywhere else:
        // with a CRLF in front, the first boundary is found like every other one.
        buffer[0] = '\r';
        buffer[1] = '\n';
        end = 2;
    }

    /**
     * A reader for a body whose Content-Type is {@code contentType}; at most {@code maxBytes} bytes are read from
     * {@code in}.
     */
    public static MultipartReader open(String contentType, InputStream in, long maxBytes)
            throws WriteException {
        HeaderParameters type = HeaderParameters.parse(contentType == null ? "" : contentType,
                what -> WriteException.invalid("the Content-Type cannot be read: " + what
                        + "; send Content-Type: multipart/form-data; boundary=..."));
        String charset = type.get("charset");
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("us-ascii")) {
            // File names are read as UTF-8, which is what every current client sends.
            throw WriteException.invalid("the multipart request's charset is not supported; send "
                    + "Content-Type: multipart/form-data; boundary=... without a charset, or with charset=UTF-8");
        }
        String boundary = type.get("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY
                || boundary.endsWith(" ") || !boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw WriteException.invalid("the Content-Type needs a boundary of 1 to " + MAX_BOUNDARY
                    + " printable ASCII characters (RFC 2046); send Content-Type: multipart/form-data; boundary=... "
                    + "as curl -F does");
        }
        return new MultipartReader(in, boundary, maxBytes);
    }

    /**
     * The next part, after skipping what is left of the one before; null after the closing boundary. The part
     * before's content ends here.
     */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        current = null;
        int n;
        while ((n = content()) > 0) {
            start += n;
        }
        start += delimiter.length;
        found = -1;
        if (!ensure(2)) {
            throw malformed("it ends right after a boundary");
        }
        if (buffer[start] == '-' && buffer[start + 1] == '-') {
            finished = true; // what follows the closing boundary (the epilogue) is ignored, as RFC 2046 says
            return null;
        }
        // RFC 2046 allows spaces and tabs after a boundary, before its line ends.
        while (ensure(1) && (buffer[start] == ' ' || buffer[start] == '\t')) {
            start++;
        }
        if (!ensure(2) || buffer[start] != '\r' || buffer[start + 1] != '\n') {
            throw malformed("a boundary line must end with CRLF");
        }
        start += 2;
        String fileName = headers();
        searchFrom = start;
        current = new PartContent();
        return new Part(fileName, current);
    }

    /** Reads a part's header lines up to the empty line; the file name of its Content-Disposition, or null. */
    private String headers() throws IOException {
        String fileName = null;
        int total = 0;
        while (true) {
            int lineEnd = lineEnd(MAX_PART_HEADERS - total);
            int length = lineEnd - start;
            String line = new String(buffer, start, length, StandardCharsets.UTF_8);
            start = lineEnd + 2;
            total += length + 2;
            if (line.isEmpty()) {
                return fileName;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw malformed("the part header line '" + printable(line) + "' has no ':'");
            }
            if (line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                fileName = fileName(line.substring(colon + 1));
            }
        }
    }

    private static String fileName(String disposition) throws WriteException {
        HeaderParameters parsed = HeaderParameters.parse(disposition, WriteException::malformedBody);
        if (!parsed.type().equals("form-data") && !parsed.type().equals("attachment")) {
            return null;
        }
        String name = parsed.get("filename");
        return name == null ? null : name.trim();
    }

    /** The end of the header line at start, reading more as needed, within {@code limit} bytes. */
    private int lineEnd(int limit) throws IOException {
        int from = start;
        while (true) {
            int at = indexOf(CRLF, from);
            if (at >= 0 && at + 2 - start <= limit) {
                return at;
            }
            if (end - start >= limit) {
                throw malformed("a part's header lines are longer than " + MAX_PART_HEADERS + " bytes in all");
            }
            from = Math.max(start, end - 1);
            int before = start;
            if (!fill()) {
                throw malformed("it ends inside a part's header lines (they end with an empty line)");
            }
            from -= before - start;
        }
    }

    private int indexOf(byte[] what, int from) {
        for (int i = from; i + what.length <= end; i++) {
            if (buffer[i] == what[0] && Arrays.equals(buffer, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * How many bytes at start belong to the current part's content: at least one, or 0 when the delimiter
     * starts there.
     */
    private int content() throws IOException {
        while (true) {
            if (found < 0) {
                search();
            }
            int limit = found >= 0 ? found : searchFrom;
            if (limit > start) {
                return limit - start;
            }
            if (found == start) {
                return 0;
            }
            if (!fill()) {
                throw malformed("it ends before the closing boundary --" + boundary + "--");
            }
        }
    }

    /** Boyer-Moore-Horspool from searchFrom: sets found, or advances searchFrom as far as the buffer rules out. */
    private void search() {
        int m = delimiter.length;
        byte last = delimiter[m - 1];
        int i = Math.max(searchFrom, start);
        while (i + m <= end) {
            byte c = buffer[i + m - 1];
            if (c == last && Arrays.equals(buffer, i, i + m - 1, delimiter, 0, m - 1)) {
                found = i;
                searchFrom = i;
                return;
            }
            i += shift[c & 0xff];
        }
        searchFrom = i;
    }

    /** Makes {@code n} unread bytes available; false if the body ends first. */
    private boolean ensure(int n) throws IOException {
        while (end - start < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Moves the unread bytes to the front and reads once more; false at the end of the body. */
    private boolean fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            searchFrom = Math.max(0, searchFrom - start);
            if (found >= 0) {
                found -= start;
            }
            start = 0;
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            return false;
        }
        consumed += n;
        if (consumed > maxBytes) {
            throw WriteException.tooLarge(maxBytes);
        }
        end += n;
        return true;
    }

    private static WriteException malformed(String what) {
        return WriteException.malformedBody("the multipart body is malformed: " + what);
    }

    private static String printable(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    /** The content of the current part; empty once the reader has moved on. */
    private final class PartContent extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (current != this) {
                return -1;
            }
            int available = content();
            if (available == 0) {
                return -1;
            }
            int n = Math.min(length, available);
            System.arraycopy(buffer, start, into, offset, n);
            start += n;
            return n;
        }
    }
}
