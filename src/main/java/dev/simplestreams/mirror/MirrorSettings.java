package dev.simplestreams.mirror;

import java.time.Duration;

/**
 * How often the mirror looks at its upstreams and how it copies: {@code retentionGrace} before files of versions
 * an upstream dropped are deleted, {@code attempts} tries per file (the later ones resume with Range) and
 * {@code retryDelay} between them.
 */
public record MirrorSettings(Duration interval, Duration retentionGrace, int attempts, Duration retryDelay) {
}
