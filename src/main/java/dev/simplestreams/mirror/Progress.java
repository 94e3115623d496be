package dev.simplestreams.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Files and bytes of one sync: planned, done, the rate so far and the time left at that rate. */
final class Progress {

    private final long filesTotal;
    private final long bytesTotal;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();

    /** A snapshot, as the status document and the log show it. */
    record Snapshot(@JsonProperty("files_done") long filesDone, @JsonProperty("files_total") long filesTotal,
            @JsonProperty("bytes_done") long bytesDone, @JsonProperty("bytes_total") long bytesTotal,
            @JsonProperty("bytes_per_second") long bytesPerSecond, @JsonProperty("eta_seconds") Long etaSeconds) {

        @Override
        public String toString() {
            return filesDone + "/" + filesTotal + " files, " + mib(bytesDone) + "/" + mib(bytesTotal) + " MiB, "
                    + mib(bytesPerSecond) + " MiB/s" + (etaSeconds == null ? "" : ", " + etaSeconds + " s left");
        }

        private static String mib(long bytes) {
            return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
        }
    }

    Progress(long filesTotal, long bytesTotal) {
        this.filesTotal = filesTotal;
        this.bytesTotal = bytesTotal;
    }

    void bytes(long n) {
        bytesDone.addAndGet(n);
    }

    void file() {
        filesDone.incrementAndGet();
    }

    Snapshot snapshot() {
        long done = bytesDone.get();
        double seconds = Math.max(1e-3, Duration.ofNanos(System.nanoTime() - startedNanos).toMillis() / 1000.0);
        long rate = (long) (done / seconds);
        Long eta = rate > 0 ? Math.max(0, (bytesTotal - done) / rate) : null;
        return new Snapshot(filesDone.get(), filesTotal, done, bytesTotal, rate, eta);
    }
}
