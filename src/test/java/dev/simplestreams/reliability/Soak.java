package dev.simplestreams.reliability;

import java.time.Duration;

/**
 * Durations of the reliability suite: short in the test command, long with {@code -Dsoak=true}; the README's
 * Reliability section has the command ({@code scripts/soak.sh}).
 */
final class Soak {

    private Soak() {
    }

    static boolean on() {
        return Boolean.getBoolean("soak");
    }

    /** Kill -9 rounds of {@link CrashRecoveryIT}. */
    static int crashRounds() {
        return on() ? 25 : 3;
    }

    /** How long {@link LoadSoakIT} runs. */
    static Duration load() {
        return on() ? Duration.ofMinutes(5) : Duration.ofSeconds(30);
    }
}
