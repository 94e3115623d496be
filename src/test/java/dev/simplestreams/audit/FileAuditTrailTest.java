package dev.simplestreams.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.testing.SteppedClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FileAuditTrailTest {

    static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void staysWithinItsFilesAndKeepsTheNewestLines() throws IOException {
        FileAuditTrail trail = new FileAuditTrail(dir, 4096, 3, new SteppedClock(START));
        for (int i = 0; i < 1000; i++) {
            trail.record(List.of(upload("images/a/b/amd64/default/20260101_00:00/file-" + i)));
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.sorted().toList();
        }
        assertEquals(3, files.size(), files::toString);
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
            assertTrue(Files.size(file) <= 4096, file + " grew to " + Files.size(file));
        }
        assertTrue(bytes <= 3 * 4096, bytes + " bytes");
        List<String> lines = read(trail, START, Instant.MAX);
        assertTrue(lines.get(lines.size() - 1).contains("file-999\""), lines.get(lines.size() - 1));
        assertTrue(lines.size() > 20, lines.size() + " lines kept");
    }

    @Test
    void survivesARestartAndATornLastLine() throws IOException {
        SteppedClock clock = new SteppedClock(START);
        new FileAuditTrail(dir, 1 << 20, 3, clock).record(List.of(upload("first")));
        try (Stream<Path> list = Files.list(dir)) {
            Files.writeString(list.findFirst().orElseThrow(), "{\"time\":\"2026-12-01T00:0", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        }
        FileAuditTrail restarted = new FileAuditTrail(dir, 1 << 20, 3, clock);
        restarted.record(List.of(upload("second")));
        List<String> lines = read(restarted, START, Instant.MAX);
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("\"first\"") && lines.get(1).contains("\"second\""), lines::toString);
    }

    static Stream<Arguments> spans() {
        // entries at 0, 10, 20, 30 s: since, until -> paths
        return Stream.of(
                Arguments.of(0, 1000, List.of("p0", "p10", "p20", "p30")),
                Arguments.of(10, 1000, List.of("p10", "p20", "p30")),
                Arguments.of(11, 30, List.of("p20")),
                Arguments.of(0, 10, List.of("p0")),
                Arguments.of(31, 1000, List.of()));
    }

    @ParameterizedTest(name = "since +{0} s until +{1} s -> {2}")
    @MethodSource("spans")
    void readsTheLinesOfATimeSpan(int since, int until, List<String> paths) throws IOException {
        SteppedClock clock = new SteppedClock(START);
        FileAuditTrail trail = new FileAuditTrail(dir, 1 << 20, 3, clock);
        for (int second = 0; second <= 30; second += 10) {
            trail.record(List.of(upload("p" + second)));
            clock.advance(Duration.ofSeconds(10));
        }
        List<String> lines = read(trail, START.plusSeconds(since), START.plusSeconds(until));
        assertEquals(paths, lines.stream().map(line -> line.replaceAll(".*\"path\":\"([^\"]*)\".*", "$1")).toList());
    }

    @Test
    void writesOneJsonLinePerEntryWithItsTime() throws IOException {
        FileAuditTrail trail = new FileAuditTrail(dir, 1 << 20, 3, new SteppedClock(START));
        trail.record(List.of(new AuditEntry(null, "upload", "uploader", "203.0.113.7", "images/x/rootfs.squashfs",
                null, 5L, "ab12", List.of("ff00"), 201, "created", null)));
        assertEquals(List.of("{\"time\":\"2026-12-01T00:00:00Z\",\"action\":\"upload\",\"who\":\"uploader\","
                + "\"address\":\"203.0.113.7\",\"path\":\"images/x/rootfs.squashfs\",\"size\":5,\"sha256\":\"ab12\","
                + "\"fingerprints\":[\"ff00\"],\"status\":201,\"result\":\"created\"}"),
                read(trail, START, Instant.MAX));
    }

    @Test
    void closingReleasesTheOpenFileSoTheVolumeCanBeUnmounted() throws IOException {
        FileAuditTrail trail = new FileAuditTrail(dir, 1 << 20, 3, new SteppedClock(START));
        trail.record(List.of(upload("p")));
        assertEquals(1, descriptorsUnder(dir), "the trail appends to its newest file");
        trail.close();
        assertEquals(0, descriptorsUnder(dir), "nothing under the directory is open after close");
    }

    /** Counts this process's open files under {@code directory} (Linux). */
    private static long descriptorsUnder(Path directory) throws IOException {
        Path real = directory.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    private static AuditEntry upload(String path) {
        return new AuditEntry(null, "upload", "uploader", "127.0.0.1", path, null, 1L, null, null, 201, "created",
                null);
    }

    private static List<String> read(AuditTrail trail, Instant since, Instant until) throws IOException {
        List<String> lines = new ArrayList<>();
        trail.read(since, until, lines::add);
        return lines;
    }
}
