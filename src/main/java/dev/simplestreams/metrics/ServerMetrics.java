package dev.simplestreams.metrics;

import dev.simplestreams.catalog.Item;
import dev.simplestreams.catalog.Product;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Version;
import dev.simplestreams.delta.DeltaService;
import dev.simplestreams.indexer.Indexing;
import dev.simplestreams.mirror.MirrorEvents;
import dev.simplestreams.security.LoginLockout;
import dev.simplestreams.write.StoredResult;
import dev.simplestreams.write.UploadReport;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The server's figures in a registry of its own (not the JVM-wide default one, so two applications or a
 * redeploy never collide): uploads and downloads counted where they are answered, the indexer's figures
 * and the catalogue's size read when scraped, and the client library's JVM metrics. Knows nothing of HTTP.
 */
public final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter uploadRequests;
    private final Counter uploadedFiles;
    private final Counter uploadedBytes;
    private final Counter downloads;
    private final Counter downloadBytes;
    private final Counter mirrorFiles;
    private final Counter mirrorBytes;
    private final Counter mirrorFailures;
    private final Gauge mirrorLastSuccess;
    private final Counter failedLogins;
    private final Counter loginLockouts;
    private final Counter lockedOutLogins;
    private volatile CatalogSize size = new CatalogSize(null, 0);
    private boolean jvmMetricsRegistered;

    public ServerMetrics(Indexing indexer) {
        uploadRequests = Counter.builder().name("simplestreams_upload_requests")
                .help("Upload requests, by HTTP status (aborted: the client went away)").labelNames("status").register(registry);
        uploadedFiles = Counter.builder().name("simplestreams_uploaded_files")
                .help("Files received by uploads, by what was done with them").labelNames("result").register(registry);
        uploadedBytes = Counter.builder().name("simplestreams_uploaded_bytes")
                .help("Bytes of the files received by uploads").register(registry);
        downloads = Counter.builder().name("simplestreams_downloads")
                .help("GET requests for files under images/ answered with content, by HTTP status")
                .labelNames("status").register(registry);
        downloadBytes = Counter.builder().name("simplestreams_download_bytes")
                .help("Bytes of image files sent (the length of each 200 or 206 response body)").register(registry);

        mirrorFiles = Counter.builder().name("simplestreams_mirror_fetched_files")
                .help("Files fetched from upstream remotes, verified and stored, by remote").labelNames("remote")
                .register(registry);
        mirrorBytes = Counter.builder().name("simplestreams_mirror_fetched_bytes")
                .help("Bytes of those files, by remote").labelNames("remote").register(registry);
        mirrorFailures = Counter.builder().name("simplestreams_mirror_failures")
                .help("Upstream documents or files that could not be used (see /status), by remote")
                .labelNames("remote").register(registry);
        mirrorLastSuccess = Gauge.builder().name("simplestreams_mirror_last_success_timestamp_seconds")
                .help("When the last sync of the remote ended without a problem (Unix time)").labelNames("remote")
                .register(registry);
        failedLogins = Counter.builder().name("simplestreams_failed_logins")
                .help("Logins with wrong credentials").register(registry);
        loginLockouts = Counter.builder().name("simplestreams_login_lockouts")
                .help("Times a user or an address was locked out after too many failed logins in a row, by which")
                .labelNames("by").register(registry);
        lockedOutLogins = Counter.builder().name("simplestreams_locked_out_logins")
                .help("Logins refused unchecked because their user or address was locked out").register(registry);
        counter("simplestreams_indexing_runs", "Indexing passes finished, successful or not", indexer,
                s -> s.runs());
        counter("simplestreams_indexing_failures", "Indexing passes that failed (and were retried)", indexer,
                s -> s.failedRuns());
        counter("simplestreams_indexing_seconds", "Time spent in indexing passes; divide by runs for the mean",
                indexer, s -> s.totalRunMillis() / 1000.0);
        counter("simplestreams_hashed_files", "Files read and hashed by the indexer", indexer, s -> s.filesRead());
        counter("simplestreams_hashed_bytes", "Bytes read and hashed by the indexer", indexer, s -> s.bytesRead());
        counter("simplestreams_catalogue_writes", "Times index.json and images.json were replaced", indexer,
                s -> s.catalogWrites());
        gauge("simplestreams_indexing_last_duration_seconds", "Duration of the last successful indexing pass",
                () -> indexer.status().lastDurationMillis() / 1000.0);
        gauge("simplestreams_indexing_last_success_timestamp_seconds", "When the last indexing pass succeeded "
                + "(Unix time; 0 before the first)", () -> {
                    var last = indexer.status().lastIndexed();
                    return last == null ? 0 : last.toEpochMilli() / 1000.0;
                });
        gauge("simplestreams_products", "Products in the published catalogue", () -> catalog(indexer).products);
        gauge("simplestreams_versions", "Versions in the published catalogue", () -> catalog(indexer).versions);
        gauge("simplestreams_files", "Distinct files in the published catalogue", () -> catalog(indexer).files);
        gauge("simplestreams_problems", "Paths left out of the catalogue because of a problem (see /status)",
                () -> catalog(indexer).problems);
    }

    /**
     * Records one upload request, by its HTTP status or {@code aborted}, and the files it stored (also those
     * of a request that failed after some files).
     */
    public void uploadAnswered(String status, UploadReport report) {
        uploadRequests.labelValues(status).inc();
        for (StoredResult file : report.files()) {
            uploadedFiles.labelValues(file.result().name().toLowerCase(Locale.ROOT)).inc();
            uploadedBytes.inc(file.size());
        }
    }

    /** Records one download answered with {@code status} and a body of {@code bytes}. */
    public void downloadAnswered(int status, long bytes) {
        downloads.labelValues(String.valueOf(status)).inc();
        if (bytes > 0) {
            downloadBytes.inc(bytes);
        }
    }

    /** Publishes delta generation's figures, read when scraped. */
    public void watchDeltas(DeltaService deltas) {
        deltaCounter("simplestreams_deltas_generated", "Deltas generated, checked and published", deltas,
                s -> s.generated());
        deltaCounter("simplestreams_deltas_failed", "Deltas whose encoding or check failed (see /status)", deltas,
                s -> s.failed());
        deltaCounter("simplestreams_deltas_too_large", "Deltas not kept: larger than DELTA_MAX_PERCENT of the file",
                deltas, s -> s.tooLarge());
        deltaCounter("simplestreams_deltas_saved_bytes", "Full-file bytes minus delta bytes, summed over the deltas "
                + "generated: what each refreshing host saves", deltas, s -> s.bytesSaved());
        deltaCounter("simplestreams_deltas_seconds", "Time spent encoding and checking deltas", deltas,
                s -> s.millisSpent() / 1000.0);
    }

    private void deltaCounter(String name, String help, DeltaService deltas,
            ToDoubleFunction<DeltaService.Status> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.applyAsDouble(deltas.status()))).register(registry);
    }

    /** Where the mirror reports its progress. */
    public MirrorEvents mirrorEvents() {
        return new MirrorEvents() {
            @Override
            public void fileFetched(String remote, long bytes) {
                mirrorFiles.labelValues(remote).inc();
                mirrorBytes.labelValues(remote).inc(bytes);
            }

            @Override
            public void failed(String remote) {
                mirrorFailures.labelValues(remote).inc();
            }

            @Override
            public void synced(String remote, Instant when) {
                mirrorLastSuccess.labelValues(remote).set(when.toEpochMilli() / 1000.0);
            }
        };
    }

    /** Where the lock-out of logins reports (no names or addresses: labels must not tell who uses the server). */
    public LoginLockout.Events loginEvents() {
        return new LoginLockout.Events() {
            @Override
            public void loginFailed() {
                failedLogins.inc();
            }

            @Override
            public void lockedOut(LoginLockout.Subject subject) {
                loginLockouts.labelValues(subject.name().toLowerCase(Locale.ROOT)).inc();
            }

            @Override
            public void refusedWhileLocked() {
                lockedOutLogins.inc();
            }
        };
    }

    public String contentType() {
        return writer.getContentType();
    }

    public void writeTo(OutputStream out) throws IOException {
        registerJvmMetrics();
        writer.write(out, registry.scrape());
    }

    /**
     * At the first scrape rather than at start: registering them reads the JVM's management beans, which took a
     * quarter of a second of every start, before the server could answer.
     */
    private synchronized void registerJvmMetrics() {
        if (!jvmMetricsRegistered) {
            JvmMetrics.builder().register(registry);
            jvmMetricsRegistered = true;
        }
    }

    private void counter(String name, String help, Indexing indexer,
            ToDoubleFunction<Indexing.Status> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.applyAsDouble(indexer.status()))).register(registry);
    }

    private void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** Counted once per published catalogue, not on every scrape. */
    private CatalogSize catalog(Indexing indexer) {
        PublishedCatalog current = indexer.current();
        CatalogSize known = size;
        if (known.catalog != current) {
            known = new CatalogSize(current, current == null ? 0 : countFiles(current));
            size = known;
        }
        return known;
    }

    private static int countFiles(PublishedCatalog catalog) {
        int files = 0;
        for (Product product : catalog.products().values()) {
            for (Version version : product.versions().values()) {
                Set<String> paths = new HashSet<>();
                for (Item item : version.items().values()) {
                    paths.add(item.path());
                }
                files += paths.size();
            }
        }
        return files;
    }

    private static final class CatalogSize {
        final PublishedCatalog catalog;
        final int products;
        final int versions;
        final int files;
        final int problems;

        CatalogSize(PublishedCatalog catalog, int files) {
            this.catalog = catalog;
            this.products = catalog == null ? 0 : catalog.products().size();
            this.versions = catalog == null ? 0 : catalog.versionCount();
            this.files = files;
            this.problems = catalog == null ? 0 : catalog.problems().size();
        }
    }
}
