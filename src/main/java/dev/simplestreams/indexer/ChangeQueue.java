package dev.simplestreams.indexer;

import dev.simplestreams.catalog.VersionKey;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the next indexing pass should read, and when: version directories reported changed and requests for a
 * full rescan are collected here, and handed out only once writing has paused for the quiet period, so a file
 * copied in by another tool is read once it is complete. The one lock the index thread sleeps on.
 */
final class ChangeQueue {

    /** The work of one pass: the versions to read again, and whether to rescan everything instead. */
    record Work(Set<VersionKey> versions, boolean rescan) {
    }

    private final Duration quietPeriod;
    private final Set<VersionKey> pending = new LinkedHashSet<>();
    private boolean rescanRequested = true;
    private long lastEventNanos;

    ChangeQueue(Duration quietPeriod) {
        this.quietPeriod = quietPeriod;
    }

    synchronized void versionChanged(VersionKey version) {
        pending.add(version);
        lastEventNanos = System.nanoTime();
        notifyAll();
    }

    /** Versions a pass could not read whole yet: read again after the next quiet period. */
    synchronized void retry(Set<VersionKey> versions) {
        if (!versions.isEmpty()) {
            pending.addAll(versions);
            lastEventNanos = System.nanoTime();
        }
    }

    synchronized void requestRescan() {
        rescanRequested = true;
        lastEventNanos = System.nanoTime();
        notifyAll();
    }

    /** Files another replica committed are complete however recently written: no quiet period for them. */
    synchronized void completeFilesArrived() {
        lastEventNanos = System.nanoTime() - quietPeriod.toNanos();
    }

    /** A new term starts with a full rescan, at once. */
    synchronized void restart() {
        rescanRequested = true;
        lastEventNanos = 0;
    }

    /** Wakes the index thread, e.g. when leadership changed. */
    synchronized void wake() {
        notifyAll();
    }

    /**
     * The next pass's work, or null after waiting up to {@code maxWaitMillis} (the caller looks at leadership
     * and change notes, then asks again). {@code handedOver}: work waits besides what is queued here.
     * {@code rescanDueNanos}: when the periodic rescan is due.
     */
    synchronized Work next(boolean handedOver, long rescanDueNanos, long maxWaitMillis) throws InterruptedException {
        long now = System.nanoTime();
        long quiet = quietPeriod.toNanos();
        boolean work = rescanRequested || !pending.isEmpty() || handedOver;
        if (!work && now < rescanDueNanos) {
            wait(Math.max(1, Math.min(maxWaitMillis, TimeUnit.NANOSECONDS.toMillis(rescanDueNanos - now))));
            return null;
        }
        if (work && now - lastEventNanos < quiet) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(quiet - (now - lastEventNanos))));
            return null;
        }
        Work next = new Work(new LinkedHashSet<>(pending), rescanRequested || now >= rescanDueNanos);
        pending.clear();
        rescanRequested = false;
        return next;
    }

    /** Waits up to {@code millis} or until woken, as a follower between looks at the published catalog. */
    synchronized void pause(long millis) throws InterruptedException {
        wait(millis);
    }
}
