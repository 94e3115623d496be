package dev.simplestreams.testing;

/** An external command that failed or timed out; the message carries the command, exit code and output tails. */
public final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CommandResult result;

    public CommandFailedException(CommandResult result, String context) {
        super(result.describe() + (context == null || context.isBlank() ? "" : "\n" + context));
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }
}
