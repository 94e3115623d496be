package dev.simplestreams.catalog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The names of uploads kept aside because their path held other bytes and overwrites are off: next to the
 * file they would have replaced, saying when they came, and matching no file kind, so nothing publishes them.
 */
public final class StoredAside {

    private static final String MARK = ".conflict-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private StoredAside() {
    }

    public static String name(String fileName, Instant at) {
        return fileName + MARK + STAMP.format(at);
    }

    public static boolean isStoredAside(String fileName) {
        return fileName.contains(MARK);
    }
}
