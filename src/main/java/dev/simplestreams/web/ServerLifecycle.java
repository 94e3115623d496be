package dev.simplestreams.web;

import dev.simplestreams.access.AccessControl;
import dev.simplestreams.access.AccessFileException;
import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.audit.FileAuditTrail;
import dev.simplestreams.audit.StateAuditTrail;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.config.DeltaSettings;
import dev.simplestreams.config.Settings;
import dev.simplestreams.config.SigningSettings;
import dev.simplestreams.coordination.Elections;
import dev.simplestreams.coordination.Leadership;
import dev.simplestreams.delta.DeltaService;
import dev.simplestreams.delta.Xdelta3;
import dev.simplestreams.indexer.IndexerService;
import dev.simplestreams.indexer.IndexingSettings;
import dev.simplestreams.metrics.ServerMetrics;
import dev.simplestreams.mirror.MirrorConfig;
import dev.simplestreams.mirror.MirrorConfigException;
import dev.simplestreams.mirror.MirrorService;
import dev.simplestreams.mirror.MirrorSettings;
import dev.simplestreams.page.PublicUrl;
import dev.simplestreams.security.LoginLockout;
import dev.simplestreams.signing.ClearSigner;
import dev.simplestreams.signing.KeyException;
import dev.simplestreams.signing.SigningKey;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.S3ImageStore;
import dev.simplestreams.write.DeleteService;
import dev.simplestreams.write.UploadPolicy;
import dev.simplestreams.write.UploadService;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.WebResourceRoot;
import org.apache.catalina.webresources.DirResourceSet;

/**
 * Starts and stops the server's parts with the web application: reads the settings, opens the store (a local
 * data root, whose {@code images/} is mounted into Tomcat's resources so DefaultServlet serves image files with
 * Range and sendfile; or a bucket, from which downloads are redirected), joins the election and runs the
 * background indexer and delta generation. Every part is built here, once, and handed to the servlets as {@link Services}.
 */
public final class ServerLifecycle implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ServerLifecycle.class.getName());
    /** Held here: java.util.logging keeps loggers weakly, and a collected one would lose the DEBUG level set on it. */
    private static final Logger PROJECT_LOGGER = Logger.getLogger("dev.simplestreams");
    /** Users, and separately addresses, whose failed logins are remembered: a few MB at most. */
    private static final int LOGINS_REMEMBERED = 10_000;
    /** Tries per mirrored file, the later ones resuming where the connection was cut, and the pause between. */
    private static final int MIRROR_ATTEMPTS = 5;
    private static final Duration MIRROR_RETRY_DELAY = Duration.ofSeconds(1);
    /** The encoder's command, found on the PATH as the clients find theirs. */
    private static final String XDELTA3 = "xdelta3";
    /** Tomcat's context attribute holding the web application's resources. */
    private static final String TOMCAT_RESOURCES = "org.apache.catalina.resources";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        UnaryOperator<String> lookup = name -> {
            String value = context.getInitParameter(name);
            return value != null ? value : System.getenv(name);
        };
        // Asking xdelta3 its version starts two processes, a third of a second of the start: it runs meanwhile.
        CompletableFuture<Optional<Xdelta3>> xdelta3 = CompletableFuture.supplyAsync(() -> Xdelta3.locate(XDELTA3));
        Settings settings = Settings.from(lookup);
        DeltaSettings deltaSettings = DeltaSettings.from(lookup);
        if (settings.debug()) {
            enableDebugLogging();
        }
        // Before anything starts: a bad file must not leave an indexer running in an application that failed.
        MirrorConfig mirrorConfig = settings.mirrorConfig() == null ? null : readMirrorConfig(settings.mirrorConfig());
        PublicUrl publicUrl = settings.publicUrl() == null ? null : readPublicUrl(settings.publicUrl());
        ClearSigner signer = readSigningKey(SigningSettings.from(lookup));
        AccessControl access = settings.accessFile() == null ? AccessControl.none()
                : watchAccess(settings.accessFile());
        try {
            ImageStore store;
            Path watched;
            String where;
            AuditTrail audit;
            if (settings.objectStorage() == null) {
                DataRoot root = new DataRoot(settings.dataDir());
                Files.createDirectories(root.path().resolve(Layout.IMAGES));
                Files.createDirectories(root.path().resolve(Layout.STREAMS));
                FileSystemStore local = new FileSystemStore(root);
                mountImages(context, root.path().resolve(Layout.IMAGES));
                store = local;
                audit = new FileAuditTrail(local.stateDirectory().resolve("audit"), settings.auditFileBytes(),
                        settings.auditFiles(), Clock.systemUTC());
                watched = root.path();
                where = root.path().toString();
            } else {
                S3ImageStore bucket = S3ImageStore.connect(settings.objectStorage());
                store = bucket;
                audit = new StateAuditTrail(bucket, settings.objectStorage().replicaId(), Clock.systemUTC());
                watched = null;
                where = bucket.describe() + " as replica " + settings.objectStorage().replicaId();
            }
            HashCache cache = HashCache.loadInBackground(store);
            Leadership leadership = Elections.choose(settings.objectStorage(), store, identity());
            IndexerService indexer = new IndexerService(store, cache, watched,
                    new IndexingSettings(settings.quietPeriod(), settings.rescanInterval(),
                            settings.keepVersions(), settings.retentionGrace(),
                            settings.conflictRetention(), signer, settings.catalogSplitBytes()), leadership, audit);
            indexer.start();
            ServerMetrics metrics = new ServerMetrics(indexer);
            LoginLockout lockout = new LoginLockout(new LoginLockout.Limits(settings.loginFailuresAllowed(),
                    settings.loginLockOutTime(), LOGINS_REMEMBERED), Clock.systemUTC(), metrics.loginEvents());
            UploadService uploads = new UploadService(store, cache, indexer, new UploadPolicy(
                    settings.allowOverwrites(), settings.allowDeletes(), settings.conflictRetention(),
                    settings.maxUploadBytes()));
            DeleteService deletes = new DeleteService(store, indexer, settings.allowDeletes());
            MirrorService mirror = null;
            if (mirrorConfig != null) {
                mirror = new MirrorService(mirrorConfig, store, cache,
                        indexer::current, indexer::requestRescan, leadership,
                        new MirrorSettings(settings.mirrorInterval(),
                                settings.retentionGrace(), MIRROR_ATTEMPTS, MIRROR_RETRY_DELAY),
                        metrics.mirrorEvents(), System::getenv, audit);
                mirror.start();
                LOG.info("mirroring as " + settings.mirrorConfig() + " says, every " + settings.mirrorInterval());
            }
            DeltaService deltas = new DeltaService(deltaSettings, xdelta3.join(), store, cache,
                    indexer::current, leadership::isLeader, indexer::requestRescan,
                    Files.createTempDirectory("simplestreams-deltas"));
            deltas.start();
            metrics.watchDeltas(deltas);
            new Services(settings, publicUrl, store, indexer, metrics, lockout, audit, uploads, deletes, mirror,
                    access, deltas).putInto(context);
            LOG.info("serving " + where + " (overwrites " + onOff(settings.allowOverwrites()) + ", deletes "
                    + onOff(settings.allowDeletes()) + ")");
        } catch (IOException e) {
            access.close();
            throw new IllegalStateException("cannot use data root " + settings.dataDir() + ": " + e.getMessage()
                    + " (set SIMPLESTREAMS_DIR to a writable directory)", e);
        }
    }

    /** For the status document; a name lookup that can fail (no DNS in a pod) must not stop the start. */
    private static String identity() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "this server" : host;
    }

    /** A configuration that cannot be used stops the start: mirroring silently nothing would go unnoticed. */
    private static MirrorConfig readMirrorConfig(Path file) {
        try {
            return MirrorConfig.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read MIRROR_CONFIG " + file + ": " + e.getMessage(), e);
        } catch (MirrorConfigException e) {
            throw new IllegalStateException("MIRROR_CONFIG " + file + ": " + e.getMessage(), e);
        }
    }

    /** Private views served to everyone, or writers without their limits, would go unnoticed: stop the start. */
    private static AccessControl watchAccess(Path file) {
        try {
            return AccessControl.watch(file);
        } catch (AccessFileException e) {
            throw new IllegalStateException("ACCESS_FILE " + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * A key that cannot be used stops the start: publishing unsigned when signed documents were asked for would
     * go unnoticed until a downstream refuses them. The messages name files, never what is in them.
     */
    private static ClearSigner readSigningKey(SigningSettings signing) {
        if (signing.keyFile() == null) {
            return null;
        }
        try {
            ClearSigner signer = new ClearSigner(SigningKey.load(signing.keyFile(), signing.passphraseFile()));
            LOG.info("signing the catalog (streams/v1/*.sjson) with OpenPGP key " + signer.fingerprint());
            return signer;
        } catch (KeyException e) {
            throw new IllegalStateException("SIGNING_KEY: " + e.getMessage(), e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Services services = Services.of(event.getServletContext());
        if (services != null) {
            services.close();
        }
    }

    private static PublicUrl readPublicUrl(String url) {
        try {
            return PublicUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("PUBLIC_URL: " + e.getMessage(), e);
        }
    }

    /**
     * Tomcat's resource cache would keep serving a replaced file's old length for seconds; image files are
     * large and sent with sendfile, so caching buys nothing and is turned off.
     */
    private static void mountImages(ServletContext context, Path images) {
        WebResourceRoot resources = (WebResourceRoot) context.getAttribute(TOMCAT_RESOURCES);
        if (resources == null) {
            throw new IllegalStateException("not running in Tomcat: the image tree cannot be mounted");
        }
        resources.setCachingAllowed(false);
        DirResourceSet set = new DirResourceSet(resources, "/" + Layout.IMAGES, images.toString(), "/");
        set.setReadOnly(true);
        // Tomcat starts a set added to running resources itself.
        resources.addPreResources(set);
    }

    private static void enableDebugLogging() {
        PROJECT_LOGGER.setLevel(Level.FINE);
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.FINE);
        PROJECT_LOGGER.addHandler(handler);
        PROJECT_LOGGER.setUseParentHandlers(false);
    }

    private static String onOff(boolean value) {
        return value ? "on" : "off";
    }
}
