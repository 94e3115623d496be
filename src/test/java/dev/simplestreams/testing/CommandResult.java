package dev.simplestreams.testing;

import java.time.Duration;
import java.util.List;

/** What one finished external command did. Non-zero exits are data here; {@link #orThrow} turns them into failures. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {

    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    public CommandResult orThrow() {
        return orThrow("");
    }

    /** @param context extra diagnostics (e.g. a daemon log tail) appended to the exception message on failure */
    public CommandResult orThrow(String context) {
        if (!ok()) {
            throw new CommandFailedException(this, context);
        }
        return this;
    }

    public String describe() {
        return "`" + String.join(" ", command) + "` exited " + exitCode + " after " + elapsed.toMillis() + " ms"
                + "\n--- stdout (tail) ---\n" + Cli.tail(stdout, 4000)
                + "\n--- stderr (tail) ---\n" + Cli.tail(stderr, 4000);
    }
}
