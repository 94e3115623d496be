package dev.simplestreams.audit;

import static dev.simplestreams.catalog.JsonMappers.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The trail in a directory of the data root: numbered files of JSON lines ({@code audit-00000000000000000001.jsonl},
 * ...), appended to and fsynced line by line. When the newest would grow beyond {@code maxFileBytes} a new one is
 * begun, and the oldest are deleted so that at most {@code maxFiles} remain: the trail never takes more than
 * about {@code maxFiles * maxFileBytes} of the disk.
 */
public final class FileAuditTrail implements AuditTrail {

    private static final Logger LOG = Logger.getLogger(FileAuditTrail.class.getName());
    private static final String PREFIX = "audit-";
    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Clock clock;
    private long newest;
    private FileChannel channel;

    public FileAuditTrail(Path directory, long maxFileBytes, int maxFiles, Clock clock) throws IOException {
        if (maxFileBytes < 1024 || maxFiles < 1) {
            throw new IllegalArgumentException("the audit trail needs files of at least 1024 bytes (AUDIT_FILE_BYTES="
                    + maxFileBytes + ") and at least one file (AUDIT_FILES=" + maxFiles + ")");
        }
        this.directory = Files.createDirectories(directory);
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        this.clock = clock;
        List<Long> numbers = numbers();
        newest = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1);
        channel = open(newest);
        endTornLine();
    }

    @Override
    public synchronized void record(List<AuditEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        String when = clock.instant().toString();
        StringBuilder lines = new StringBuilder();
        for (AuditEntry entry : entries) {
            lines.append(JSON.writeValueAsString(entry.at(when))).append('\n');
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        if (channel.size() > 0 && channel.size() + bytes.length > maxFileBytes) {
            rotate();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
    }

    @Override
    public void read(Instant since, Instant until, Consumer<String> lines) throws IOException {
        for (long number : numbers()) {
            // A file rotated away while it is read is simply gone: its lines were older than the filter's end.
            try (BufferedReader reader = Files.newBufferedReader(file(number), StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    Instant time = timeOf(line, number);
                    if (time != null && !time.isBefore(since) && time.isBefore(until)) {
                        lines.accept(line);
                    }
                }
            } catch (NoSuchFileException rotatedAway) {
                LOG.fine(() -> "audit file " + number + " was deleted while it was read");
            }
        }
    }

    /** An open file would keep the data root's volume busy after the application stops (it could not be unmounted). */
    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** A crash mid-line leaves it without its newline: end it, so the next line is not glued to it. */
    private void endTornLine() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel reader = FileChannel.open(file(newest), StandardOpenOption.READ)) {
            reader.read(last, size - 1);
        }
        if (last.get(0) != '\n') {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            channel.force(false);
        }
    }

    private void rotate() throws IOException {
        channel.close();
        newest++;
        channel = open(newest);
        List<Long> numbers = numbers();
        for (int i = 0; i < numbers.size() - maxFiles; i++) {
            Files.deleteIfExists(file(numbers.get(i)));
            LOG.info("deleted the oldest audit file " + file(numbers.get(i)) + ": at most " + maxFiles + " are kept "
                    + "(AUDIT_FILES)");
        }
    }

    private FileChannel open(long number) throws IOException {
        return FileChannel.open(file(number), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    private Path file(long number) {
        return directory.resolve(PREFIX + String.format("%020d", number) + SUFFIX);
    }

    private List<Long> numbers() throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(PREFIX) && name.endsWith(SUFFIX))
                    .forEach(name -> {
                        try {
                            numbers.add(Long.parseLong(name.substring(PREFIX.length(),
                                    name.length() - SUFFIX.length())));
                        } catch (NumberFormatException notOurs) {
                            LOG.fine(() -> "not an audit file: " + name);
                        }
                    });
        }
        numbers.sort(null);
        return numbers;
    }

    /** Null for a line that is not one of ours (a torn last line after a crash), which is left out with a warning. */
    private Instant timeOf(String line, long number) {
        try {
            JsonNode node = JSON.readTree(line);
            return Instant.parse(node.path("time").asText());
        } catch (JsonProcessingException | DateTimeParseException e) {
            LOG.warning("skipping an unreadable line of audit file " + file(number) + ": " + e.getMessage());
            return null;
        }
    }
}
