package dev.simplestreams.web;

import dev.simplestreams.access.AccessControl;
import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.config.Settings;
import dev.simplestreams.delta.DeltaService;
import dev.simplestreams.indexer.IndexerService;
import dev.simplestreams.indexer.Indexing;
import dev.simplestreams.metrics.ServerMetrics;
import dev.simplestreams.mirror.MirrorService;
import dev.simplestreams.page.PublicUrl;
import dev.simplestreams.security.LoginLockout;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.S3ImageStore;
import dev.simplestreams.write.DeleteService;
import dev.simplestreams.write.UploadService;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * The server's parts, built once by {@link ServerLifecycle} and kept in the servlet context, where the servlets
 * and filters find them; closed with the web application, in the order that lets each finish its work.
 */
final class Services {

    private static final Logger LOG = Logger.getLogger(Services.class.getName());
    private static final String ATTRIBUTE = Services.class.getName();

    private final Settings settings;
    private final PublicUrl publicUrl;
    private final ImageStore store;
    private final IndexerService indexer;
    private final ServerMetrics metrics;
    private final LoginLockout loginLockout;
    private final AuditTrail audit;
    private final UploadService uploads;
    private final DeleteService deletes;
    private final MirrorService mirror;
    private final AccessControl access;
    private final DeltaService deltas;

    /** {@code publicUrl} and {@code mirror} are null when not configured. */
    Services(Settings settings, PublicUrl publicUrl, ImageStore store, IndexerService indexer, ServerMetrics metrics,
            LoginLockout loginLockout, AuditTrail audit, UploadService uploads, DeleteService deletes,
            MirrorService mirror, AccessControl access, DeltaService deltas) {
        this.audit = audit;
        this.settings = settings;
        this.publicUrl = publicUrl;
        this.store = store;
        this.indexer = indexer;
        this.metrics = metrics;
        this.loginLockout = loginLockout;
        this.uploads = uploads;
        this.deletes = deletes;
        this.mirror = mirror;
        this.access = access;
        this.deltas = deltas;
    }

    static Services of(ServletContext context) {
        return (Services) context.getAttribute(ATTRIBUTE);
    }

    void putInto(ServletContext context) {
        context.setAttribute(ATTRIBUTE, this);
    }

    Settings settings() {
        return settings;
    }

    /** PUBLIC_URL, or null when the page should name the address it was opened at. */
    PublicUrl publicUrl() {
        return publicUrl;
    }

    ImageStore store() {
        return store;
    }

    Indexing indexing() {
        return indexer;
    }

    /** Counting goes on with METRICS=off too (it costs nothing); only /metrics is switched off. */
    ServerMetrics metrics() {
        return metrics;
    }

    /** One for every way of logging in that the application checks itself. */
    LoginLockout loginLockout() {
        return loginLockout;
    }

    AuditTrail audit() {
        return audit;
    }

    UploadService uploads() {
        return uploads;
    }

    DeleteService deletes() {
        return deletes;
    }

    /** Null when MIRROR_CONFIG is not set. */
    MirrorService mirror() {
        return mirror;
    }

    /** The rules of ACCESS_FILE in force, or none when it is not set. */
    AccessControl access() {
        return access;
    }

    DeltaService deltas() {
        return deltas;
    }

    /**
     * Delta generation and the mirror first, as they hand their files to the indexer; the bucket last, as all
     * use it.
     */
    void close() {
        access.close();
        deltas.close();
        if (mirror != null) {
            mirror.close();
        }
        indexer.close();
        closeAudit();
        if (store instanceof S3ImageStore bucket) {
            bucket.close();
        }
    }

    /** Last of the writers: the indexer and the mirror record into it until they stop. */
    private void closeAudit() {
        try {
            audit.close();
        } catch (IOException e) {
            LOG.warning("cannot close the audit trail: " + e.getMessage());
        }
    }
}
