package dev.simplestreams.indexer;

import dev.simplestreams.signing.ClearSigner;
import java.time.Duration;

/**
 * How the indexer paces itself and what it keeps. {@code quietPeriod}: how long a directory must see no event
 * before it is read, so a file copied in by another tool is read once it is complete. {@code rescanInterval}:
 * time between full rescans. {@code keepVersions} (0: all) and {@code retentionGrace}: see {@link Indexer}.
 * {@code conflictRetention}: how long an upload stored aside is kept. {@code signer}: signs what this server
 * publishes while it leads (null: unsigned). {@code catalogSplitBytes}: the catalogue size above which it is
 * published as several products documents.
 */
public record IndexingSettings(Duration quietPeriod, Duration rescanInterval, int keepVersions,
        Duration retentionGrace, Duration conflictRetention, ClearSigner signer, long catalogSplitBytes) {
}
