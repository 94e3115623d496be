package dev.simplestreams.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.write.MultipartReader;
import dev.simplestreams.write.WriteException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What fuzzing checks for the multipart reader: only its documented refusals, no part's content holds the
 * delimiter, and the parts never add up to more than was sent. Driven by ParsersFuzzTest.
 */
final class MultipartReaderChecks {

    private static final String BOUNDARY = "xB";
    private static final String DELIMITER = "\r\n--" + BOUNDARY;

    private MultipartReaderChecks() {
    }

    static void check(byte[] body) {
        try {
            MultipartReader reader = MultipartReader.open("multipart/form-data; boundary=" + BOUNDARY,
                    new ByteArrayInputStream(body), body.length);
            long total = 0;
            for (MultipartReader.Part part = reader.next(); part != null; part = reader.next()) {
                byte[] content = part.content().readAllBytes();
                total += content.length;
                assertFalse(new String(content, StandardCharsets.ISO_8859_1).contains(DELIMITER));
                assertTrue(total <= body.length);
            }
        } catch (WriteException e) {
            if (e.reason() != WriteException.Reason.MALFORMED_BODY && e.reason() != WriteException.Reason.TOO_LARGE) {
                throw new AssertionError("an undocumented refusal", e);
            }
        } catch (IOException e) {
            throw new AssertionError("an undocumented failure", e);
        }
    }
}
