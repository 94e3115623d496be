package dev.simplestreams.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MultipartReaderTest {

    private static final String BOUNDARY = "------------------------d74496d66958873e";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    /** Content as ISO-8859-1 text: one char per byte, so that records compare by value. */
    private record Sent(String fileName, String content) {

        Sent(String fileName, byte[] content) {
            this(fileName, new String(content, StandardCharsets.ISO_8859_1));
        }

        byte[] bytes() {
            return content.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void partsComeOutAsSentWhateverTheReadSizes() throws Exception {
        SplittableRandom random = new SplittableRandom(8);
        for (int round = 0; round < 300; round++) {
            List<Sent> parts = new ArrayList<>();
            for (int i = random.nextInt(1, 5); i > 0; i--) {
                parts.add(new Sent(random.nextBoolean() ? null : "dir/file" + i, nearMisses(random)));
            }
            byte[] body = body(BOUNDARY, parts, "preamble\r\n", "\r\nepilogue --" + BOUNDARY + "\r\n");
            int maxRead = random.nextInt(1, 3 * MultipartReader.BUFFER);
            assertEquals(parts, readAll(TYPE, new Trickle(body, maxRead, random.nextLong()), random.nextInt(1, 9000)),
                    "round " + round + ", reads of at most " + maxRead + " bytes");
        }
    }

    @Test
    void largeRandomContentCrossesManyBuffers() throws Exception {
        byte[] content = new byte[5 * MultipartReader.BUFFER + 77];
        new SplittableRandom(3).nextBytes(content);
        List<Sent> parts = List.of(new Sent("a/rootfs.squashfs", content), new Sent("a/lxd.tar.xz", new byte[0]));
        assertEquals(parts, readAll(TYPE, new Trickle(body(BOUNDARY, parts, "", ""), 8192, 1), 1 << 20));
    }

    @Test
    void aBoundaryLineMayEndInSpacesAndTheFirstNeedsNoPreamble() throws Exception {
        byte[] body = ("--B \t\r\nContent-Disposition: form-data; name=\"f\"; filename=\" x/y \"\r\n\r\nabc\r\n--B--")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(new Sent("x/y", "abc".getBytes(StandardCharsets.US_ASCII))),
                readAll("Multipart/Form-Data; charset=UTF-8; boundary=\"B\"", new ByteArrayInputStream(body), 10));
    }

    @Test
    void fileNamesAreUtf8AndKeptAsSent() throws Exception {
        String name = "ubuntu/jämmy\\\"x/..\\y";
        byte[] body = ("--B\r\ncontent-disposition: attachment; filename=\"" + name + "\"; name=u\r\n\r\n\r\n--B--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(new Sent(name, new byte[0])), readAll("multipart/form-data; boundary=B",
                new ByteArrayInputStream(body), 10));
    }

    @Test
    void theContentOfAPartEndsWhenTheReaderMovesOn() throws Exception {
        byte[] body = body("B", List.of(new Sent("a", new byte[1000]), new Sent("b", new byte[] {7})), "", "");
        MultipartReader reader = MultipartReader.open("multipart/form-data; boundary=B", new ByteArrayInputStream(body),
                body.length);
        MultipartReader.Part first = reader.next();
        assertEquals(0, first.content().read());
        MultipartReader.Part second = reader.next();
        assertEquals(-1, first.content().read(new byte[10], 0, 10));
        assertEquals(7, second.content().read());
        assertEquals(-1, second.content().read());
        assertNull(reader.next());
        assertNull(reader.next());
    }

    static Stream<Arguments> malformed() {
        String part = "--B\r\nContent-Disposition: form-data; name=\"u\"; filename=\"v/lxd.tar.xz\"\r\n\r\nabc";
        return Stream.of(
                Arguments.of("", "ends before the closing boundary"),
                Arguments.of("no boundary at all", "ends before the closing boundary"),
                Arguments.of("--X\r\n\r\nabc\r\n--X--\r\n", "ends before the closing boundary"),
                Arguments.of(part, "ends before the closing boundary --B--"),
                Arguments.of(part + "\r\n--B", "ends right after a boundary"),
                Arguments.of(part + "\r\n--B\r", "ends right after a boundary"),
                Arguments.of("--Bx\r\n\r\n\r\n--B--", "must end with CRLF"),
                Arguments.of("--B\r\n" + "X".repeat(20_000) + "\r\n\r\nabc\r\n--B--\r\n", "longer than 8192 bytes"),
                Arguments.of("--B\r\n" + "X: y\r\n".repeat(2000) + "\r\nabc\r\n--B--\r\n", "longer than 8192 bytes"),
                Arguments.of("--B\r\nContent-Disposition: form-data\r\nabc\r\n--B--\r\n", "has no ':'"),
                Arguments.of("--B\r\nContent-Disposition: form-data\r\n", "ends inside a part's header lines"),
                Arguments.of("--B\r\nContent-Disposition: form-data; filename=\"x\r\n\r\nabc\r\n--B--\r\n",
                        "quoted value is not closed"),
                Arguments.of("--B\r\nContent-Disposition: form-data; filename=a; FileName=\"../x\"\r\n\r\n\r\n--B--",
                        "given twice"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformed")
    void malformedBodiesAreRefusedWithTheReason(String body, String reason) {
        WriteException e = assertThrows(WriteException.class, () -> readAll(
                "multipart/form-data; boundary=B", new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                100));
        assertEquals(WriteException.Reason.MALFORMED_BODY, e.reason());
        assertTrue(e.getMessage().contains(reason), e::getMessage);
    }

    static Stream<Arguments> badTypes() {
        return Stream.of(
                Arguments.of("multipart/form-data", "needs a boundary"),
                Arguments.of("multipart/form-data; boundary=", "needs a boundary"),
                Arguments.of("multipart/form-data; boundary=\"", "cannot be read"),
                Arguments.of("multipart/form-data; boundary=" + "B".repeat(71), "needs a boundary"),
                Arguments.of("multipart/form-data; boundary=\"B \"", "needs a boundary"),
                Arguments.of("multipart/form-data; boundary=B\u00e9", "needs a boundary"),
                Arguments.of("multipart/form-data; boundary=B; charset=x-evil", "charset is not supported"),
                Arguments.of("multipart/form-data; boundary=B; charset=", "charset is not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTypes")
    void unusableContentTypesAreRefused(String type, String reason) {
        WriteException e = assertThrows(WriteException.class,
                () -> MultipartReader.open(type, InputStream.nullInputStream(), 10));
        assertEquals(WriteException.Reason.INVALID, e.reason());
        assertTrue(e.getMessage().contains(reason), e::getMessage);
    }

    @Test
    void theSizeLimitCountsTheWholeBody() throws Exception {
        byte[] body = body("B", List.of(new Sent("a", new byte[500]), new Sent("b", new byte[500])), "", "");
        assertEquals(2, readAll("multipart/form-data; boundary=B", new ByteArrayInputStream(body), 100, body.length)
                .size());
        WriteException e = assertThrows(WriteException.class, () -> readAll(
                "multipart/form-data; boundary=B", new ByteArrayInputStream(body), 100, body.length - 1));
        assertEquals(WriteException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains(" " + (body.length - 1) + " bytes"), e::getMessage);
    }

    /** Random bytes sprinkled with prefixes of the delimiter and near misses of it, the search's hard cases. */
    private static byte[] nearMisses(SplittableRandom random) {
        String delimiter = "\r\n--" + BOUNDARY;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = random.nextInt(0, 40); i > 0; i--) {
            byte[] noise = new byte[random.nextInt(0, 3000)];
            random.nextBytes(noise);
            out.writeBytes(noise);
            String near = delimiter.substring(0, random.nextInt(1, delimiter.length()));
            if (random.nextBoolean()) {
                near = delimiter.substring(0, delimiter.length() - 1) + "xyz".charAt(random.nextInt(0, 3));
            }
            out.writeBytes(near.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] body(String boundary, List<Sent> parts, String preamble, String epilogue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
        for (Sent part : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\""
                    + (part.fileName() == null ? "" : "; filename=\"" + part.fileName() + "\"")
                    + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.bytes());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--" + epilogue).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static List<Sent> readAll(String type, InputStream in, int chunk) throws Exception {
        return readAll(type, in, chunk, Long.MAX_VALUE);
    }

    private static List<Sent> readAll(String type, InputStream in, int chunk, long maxBytes) throws Exception {
        MultipartReader reader = MultipartReader.open(type, in, maxBytes);
        List<Sent> parts = new ArrayList<>();
        for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] buffer = new byte[chunk];
            int n;
            while ((n = part.content().read(buffer, 0, chunk)) >= 0) {
                content.write(buffer, 0, n);
            }
            parts.add(new Sent(part.fileName(), content.toByteArray()));
        }
        return parts;
    }

    /** Hands out at most a random number of bytes per read, as a socket does. */
    private static final class Trickle extends FilterInputStream {

        private final int maxRead;
        private final SplittableRandom random;

        Trickle(byte[] body, int maxRead, long seed) {
            super(new ByteArrayInputStream(body));
            this.maxRead = maxRead;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, random.nextInt(1, maxRead + 1)));
        }
    }
}
