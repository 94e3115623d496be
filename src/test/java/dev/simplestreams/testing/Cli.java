package dev.simplestreams.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one place that runs external commands: environment, timeout, captured output. Immutable; {@link #env} and
 * {@link #timeout} return modified copies.
 */
public final class Cli {

    private static final File DEV_NULL = new File("/dev/null");

    private final Map<String, String> env;
    private final Duration timeout;

    private Cli(Map<String, String> env, Duration timeout) {
        this.env = env;
        this.timeout = timeout;
    }

    /** Inherits the JVM's environment; 5 minutes per command. */
    public static Cli create() {
        return new Cli(Map.of(), Duration.ofMinutes(5));
    }

    /** A null value removes the variable from the inherited environment. */
    public Cli env(String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return new Cli(copy, timeout);
    }

    public Cli env(Map<String, String> more) {
        Map<String, String> copy = new HashMap<>(env);
        copy.putAll(more);
        return new Cli(copy, timeout);
    }

    public Cli timeout(Duration newTimeout) {
        return new Cli(env, newTimeout);
    }

    /** Runs to completion; a non-zero exit is returned, not thrown. A timeout kills the command and throws. */
    public CommandResult run(String... command) {
        return runWithInput(null, List.of(command));
    }

    public CommandResult run(List<String> command) {
        return runWithInput(null, command);
    }

    public CommandResult runWithInput(String stdin, String... command) {
        return runWithInput(stdin, List.of(command));
    }

    /** Runs and returns stdout, or throws with the exit code and stderr. */
    public String check(String... command) {
        return run(command).orThrow().stdout();
    }

    /** @param stdin fed to the command's standard input; null for /dev/null */
    public CommandResult runWithInput(String stdin, List<String> command) {
        Path out = null;
        Path err = null;
        Path in = null;
        long started = System.nanoTime();
        try {
            // Files instead of pipes: a daemonising grandchild that keeps a pipe open cannot hang us.
            out = Files.createTempFile("cli-out", ".txt");
            err = Files.createTempFile("cli-err", ".txt");
            ProcessBuilder pb = builder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile("cli-in", ".txt");
                Files.writeString(in, stdin);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(DEV_NULL);
            }
            Process p = pb.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                stop(p.toHandle(), Duration.ofSeconds(5));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (!finished) {
                CommandResult r = new CommandResult(command, -1, Files.readString(out, StandardCharsets.UTF_8),
                        stderr + "\n[killed: timed out after " + timeout.toSeconds() + " s]", elapsed);
                throw new CommandFailedException(r, "");
            }
            return new CommandResult(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr,
                    elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + String.join(" ", command) + "`", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    /** Starts a long-running command with stdout and stderr appended to {@code log}; the caller owns the process. */
    public Process start(Path log, String... command) {
        try {
            return builder(List.of(command))
                    .redirectInput(DEV_NULL)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        }
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        Map<String, String> environment = pb.environment();
        env.forEach((k, v) -> {
            if (v == null) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        return pb;
    }

    /**
     * SIGTERM, then SIGKILL after {@code grace}; children are collected first so that workers orphaned by a killed
     * parent (nginx workers, for one) are stopped too. Only this process tree is touched, by PID.
     */
    public static void stop(ProcessHandle process, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!waitFor(process, grace)) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(5));
        }
        for (ProcessHandle child : tree) {
            if (child.isAlive()) {
                child.destroyForcibly();
                waitFor(child, Duration.ofSeconds(5));
            }
        }
    }

    public static boolean waitFor(ProcessHandle process, Duration limit) {
        try {
            process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    public static String tail(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
    }

    /** The end of a log file, or a note saying why there is none; never throws, as it only decorates errors. */
    public static String tail(Path file, int maxChars) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            byte[] bytes = Files.readAllBytes(file);
            return tail(new String(bytes, StandardCharsets.UTF_8), maxChars);
        } catch (IOException e) {
            return "(unreadable " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is not worth failing a test over
            }
        }
    }
}
