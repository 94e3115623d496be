package dev.simplestreams.coordination;

/**
 * Which replica does the work that must happen in one place at a time: indexing, pruning, mirroring.
 * With one server that is always this one; with several replicas an election decides, and the others keep
 * serving reads and taking uploads. Correctness never rests on it alone: a replica that wrongly believes it
 * leads is stopped by the store's conditional writes; the election only saves duplicate work.
 */
public interface Leadership extends AutoCloseable {

    /** Starts taking part in the election; {@code listener} hears every change of this replica's role. */
    void start(Listener listener);

    /** Whether this replica leads, as far as it knows now. */
    boolean isLeader();

    /** The identity of the replica believed to lead, for the status document; empty when unknown. */
    String leader();

    /** Stops taking part, giving the lead up at once if this replica holds it. */
    @Override
    void close();

    /** Called from the election's own thread; must return quickly. */
    interface Listener {

        void elected();

        void deposed();
    }
}
