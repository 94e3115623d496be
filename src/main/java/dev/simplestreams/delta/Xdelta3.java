package dev.simplestreams.delta;

import dev.simplestreams.catalog.Sha256;
import dev.simplestreams.concurrent.DaemonThreads;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code xdelta3}, the encoder whose VCDIFF the clients' own {@code xdelta3 -d} decodes, run as a
 * subprocess: at the lowest priority ({@code nice}), single-threaded as xdelta3 is, with its windows bounded
 * ({@link #SOURCE_WINDOW} and {@link #INPUT_WINDOW}), and stopped when it runs longer than the timeout.
 */
public final class Xdelta3 {

    /** How much of the base xdelta3 holds at once ({@code -B}); its own default, stated so it stays bounded. */
    public static final long SOURCE_WINDOW = 64L << 20;
    /** How much of the new file xdelta3 holds at once ({@code -W}). */
    public static final long INPUT_WINDOW = 8L << 20;
    private static final int MESSAGE_LIMIT = 400;

    private final String command;
    private final String version;
    private final List<String> priority;

    private Xdelta3(String command, String version, List<String> priority) {
        this.command = command;
        this.version = version;
        this.priority = priority;
    }

    /** The encoder if {@code command} runs, else empty; {@code nice} is used when it runs too. */
    public static Optional<Xdelta3> locate(String command) {
        Optional<String> version = firstLine(List.of(command, "-V"));
        if (version.isEmpty()) {
            return Optional.empty();
        }
        List<String> priority = firstLine(List.of("nice", "-n", "19", "true")).isPresent()
                ? List.of("nice", "-n", "19") : List.of();
        int copyright = version.get().indexOf(", Copyright");
        return Optional.of(new Xdelta3(command, copyright < 0 ? version.get() : version.get().substring(0, copyright),
                priority));
    }

    /** What {@code xdelta3 -V} says, e.g. {@code Xdelta version 3.0.11}. */
    public String version() {
        return version;
    }

    /**
     * Writes the delta that turns {@code base} into {@code target} to {@code delta}. No application header
     * ({@code -A}): it would publish this server's temporary file names.
     */
    public void encode(Path base, Path target, Path delta, Duration timeout) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(priority);
        args.addAll(List.of(command, "-e", "-f", "-A", "-D", "-B", String.valueOf(SOURCE_WINDOW), "-W",
                String.valueOf(INPUT_WINDOW), "-s", base.toString(), target.toString(), delta.toString()));
        Path errors = delta.resolveSibling(delta.getFileName() + ".err");
        try (Run run = new Run(args, errors, timeout)) {
            run.process.getInputStream().transferTo(OutputStream.nullOutputStream());
            run.finish("encoding");
        }
    }

    /** Applies {@code delta} to {@code base} exactly as the clients do and returns the sha256 of what comes out. */
    public String decodedSha256(Path base, Path delta, Duration timeout) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(priority);
        args.addAll(List.of(command, "-d", "-c", "-s", base.toString(), delta.toString()));
        MessageDigest digest = Sha256.newDigest();
        try (Run run = new Run(args, delta.resolveSibling(delta.getFileName() + ".err"), timeout)) {
            try (InputStream out = run.process.getInputStream()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = out.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            run.finish("checking");
        }
        return Sha256.hex(digest);
    }

    /**
     * One xdelta3 process, with a watchdog that kills it when the time is up (a blocked read of its output
     * ends then too); closing it kills what still runs and removes its error output.
     */
    private static final class Run implements AutoCloseable {

        private final Process process;
        private final Path errors;
        private final Duration timeout;
        private final Thread watchdog;
        private volatile boolean timedOut;

        Run(List<String> args, Path errors, Duration timeout) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(args);
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.redirectError(errors.toFile());
            this.process = builder.start();
            this.errors = errors;
            this.timeout = timeout;
            this.watchdog = DaemonThreads.start("xdelta3-watchdog", () -> {
                try {
                    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        timedOut = true;
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            });
        }

        /** Waits for the end and turns a failure into what xdelta3 said. */
        void finish(String what) throws IOException, InterruptedException {
            int exit = process.waitFor();
            if (timedOut) {
                throw new IOException("xdelta3 " + what + " took longer than " + timeout + " and was stopped");
            }
            if (exit != 0) {
                throw new IOException("xdelta3 " + what + " failed (exit " + exit + "): " + message(errors));
            }
        }

        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            watchdog.interrupt();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(errors);
        }
    }

    private static String message(Path errors) throws IOException {
        String text = Files.exists(errors) ? Files.readString(errors, StandardCharsets.UTF_8).strip() : "";
        text = text.replace('\n', ' ');
        return text.length() > MESSAGE_LIMIT ? text.substring(0, MESSAGE_LIMIT) + "..." : text;
    }

    /** The first line a command prints (either stream), or empty when it cannot run or fails. */
    private static Optional<String> firstLine(List<String> args) {
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            int end = text.indexOf('\n');
            return Optional.of(end < 0 ? text : text.substring(0, end));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
