package dev.simplestreams.access;

import dev.simplestreams.catalog.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The rules in force: those of the access file, read again whenever its bytes change (a Kubernetes Secret is
 * replaced by swapping a symbolic link, which file events miss, so the file is read on a timer). A version
 * that cannot be used is logged with what is wrong and shown in the status, and the rules before it stay.
 */
public final class AccessControl implements AutoCloseable {

    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(AccessControl.class.getName());

    private final Path file;
    private final ScheduledExecutorService reloader;
    private volatile AccessRules rules;
    private volatile byte[] loadedDigest;
    private volatile Instant loadedAt;
    private volatile String problem;

    private AccessControl(Path file, AccessRules rules, byte[] digest) {
        this.file = file;
        this.rules = rules;
        this.loadedDigest = digest;
        this.loadedAt = Instant.now();
        this.reloader = file == null ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "access-file-reloader");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** No access file: the file's users and rules are empty. */
    public static AccessControl none() {
        return new AccessControl(null, AccessRules.NONE, null);
    }

    /**
     * Reads {@code file} and keeps reading it when it changes. At start there are no previous rules to keep,
     * so a file that cannot be used is refused with the exception.
     */
    public static AccessControl watch(Path file) throws AccessFileException {
        byte[] content = read(file);
        AccessControl control = new AccessControl(file, AccessFile.parse(content), Sha256.newDigest().digest(content));
        long millis = RELOAD_INTERVAL.toMillis();
        control.reloader.scheduleWithFixedDelay(control::reload, millis, millis, TimeUnit.MILLISECONDS);
        LOG.info(() -> "access rules from " + file + ": " + control.rules.userCount() + " users, "
                + control.rules.writerRuleCount() + " writer rules");
        return control;
    }

    /** The rules in force now; hold on to them for one request, so that it sees one version of the file. */
    public AccessRules rules() {
        return rules;
    }

    /** The file's user with these credentials, with its roles; empty for anyone else. */
    public Optional<Caller> authenticate(String user, String password) {
        return rules.authenticate(user, password);
    }

    public WriteScope scopeOf(Caller caller) {
        return rules.scopeOf(caller);
    }

    /** For /status: where the rules come from and whether the latest file is in force; never a user or a hash. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("file", file == null ? null : file.toString());
        if (file != null) {
            status.put("loaded", loadedAt.toString());
            status.put("users", rules.userCount());
            status.put("writer_rules", rules.writerRuleCount());
            status.put("views", rules.viewCount());
            status.put("problem", problem);
        }
        return status;
    }

    private void reload() {
        try {
            byte[] content = read(file);
            byte[] digest = Sha256.newDigest().digest(content);
            if (Arrays.equals(digest, loadedDigest)) {
                return;
            }
            loadedDigest = digest;
            rules = AccessFile.parse(content);
            loadedAt = Instant.now();
            problem = null;
            LOG.info(() -> "access rules from " + file + " changed: " + rules.userCount() + " users, "
                    + rules.writerRuleCount() + " writer rules");
        } catch (AccessFileException e) {
            String now = e.getMessage() + "; the rules loaded at " + loadedAt + " stay in force";
            // A file that stays unreadable is reported once, not every RELOAD_INTERVAL.
            if (!now.equals(problem)) {
                problem = now;
                LOG.severe(() -> "access file " + file + " cannot be used: " + now);
            }
        } catch (RuntimeException e) {
            // The timer must go on: the next change of the file may repair it.
            LOG.log(Level.SEVERE, "reading the access file " + file + " failed", e);
        }
    }

    private static byte[] read(Path file) throws AccessFileException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AccessFileException("it cannot be read (" + e + ")");
        }
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
