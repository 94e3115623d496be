package dev.simplestreams.mirror;

import java.time.Instant;

/** What the mirror reports as it works, for metrics. Called from the mirror's thread; must return quickly. */
public interface MirrorEvents {

    /** A file arrived, verified, and was committed. */
    void fileFetched(String remote, long bytes);

    /** A document or file could not be used (the status document says which and why). */
    void failed(String remote);

    /** A sync of the remote ended without any problem. */
    void synced(String remote, Instant when);
}
