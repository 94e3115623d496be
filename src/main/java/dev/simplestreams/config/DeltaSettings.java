package dev.simplestreams.config;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The settings of delta generation, read like {@link Settings} from the same lookup.
 *
 * @param enabled       DELTAS: {@code off} turns generation off (deltas put into the tree are still published)
 * @param fromVersions  DELTA_FROM_VERSIONS: the newest version gets a delta from each of this many versions before
 *                      it; 1, as images.linuxcontainers.org does
 * @param maxPercent    DELTA_MAX_PERCENT: a delta larger than this share of the full root file is not kept
 * @param timeout       DELTA_TIMEOUT_MINUTES: the longest one encoding (or its check) may run before it is stopped
 */
public record DeltaSettings(boolean enabled, int fromVersions, int maxPercent, Duration timeout) {

    public DeltaSettings {
        if (fromVersions < 1) {
            throw new IllegalArgumentException("DELTA_FROM_VERSIONS must be at least 1 (DELTAS=off turns deltas off)");
        }
        if (maxPercent < 1 || maxPercent > 100) {
            throw new IllegalArgumentException("DELTA_MAX_PERCENT must be between 1 and 100");
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException("DELTA_TIMEOUT_MINUTES must be at least 1");
        }
    }

    public static DeltaSettings from(UnaryOperator<String> lookup) {
        return new DeltaSettings(
                Settings.onUnlessOff(lookup, "DELTAS"),
                (int) Math.min(Integer.MAX_VALUE, Settings.number(lookup, "DELTA_FROM_VERSIONS", 1)),
                (int) Math.min(Integer.MAX_VALUE, Settings.number(lookup, "DELTA_MAX_PERCENT", 50)),
                Duration.ofMinutes(Settings.number(lookup, "DELTA_TIMEOUT_MINUTES", 30)));
    }
}
