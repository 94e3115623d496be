package dev.simplestreams.access;

import dev.simplestreams.catalog.ProductKey;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.catalog.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One version of the access file, as read: users with their password hashes and roles, the writer rules and
 * the views. Immutable apart from the memory of logins already checked and of the views' catalogues, which go
 * with it when the file changes.
 */
public final class AccessRules {

    record User(String passwordHash, Set<String> roles) {
    }

    /** Bounds the memory of checked logins; reaching it only means checking PBKDF2 again. */
    private static final int REMEMBERED_LOGINS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Compared against when the user is unknown, so that an unknown name takes as long as a wrong password. Made
     * at the first login, not when the class loads: a PBKDF2 run cost every start about 0.2 s.
     */
    private static final class UnknownUser {
        static final String HASH = PasswordHashes.hash("no such user");
    }

    static final AccessRules NONE = new AccessRules(Map.of(), List.of(), Map.of(), Map.of(), null);

    private final Map<String, User> users;
    private final List<WriterRule> writers;
    private final Map<String, View> views;
    private final Map<String, View> viewsByTokenHash;
    private final View privateCatalog;
    private final List<View> privateViews;
    private final ViewCatalogs catalogs = new ViewCatalogs();
    /**
     * Keyed by a salted SHA-256 of user and password: PBKDF2 is slow on purpose, and clients send the same
     * credentials with every catalogue and image request. Only hashes with a per-process key are held.
     */
    private final Set<String> checkedLogins = ConcurrentHashMap.newKeySet();
    private final byte[] loginKey = new byte[32];

    AccessRules(Map<String, User> users, List<WriterRule> writers, Map<String, View> views,
            Map<String, View> viewsByTokenHash, View privateCatalog) {
        this.users = Map.copyOf(users);
        this.writers = List.copyOf(writers);
        this.views = Map.copyOf(views);
        this.viewsByTokenHash = Map.copyOf(viewsByTokenHash);
        this.privateCatalog = privateCatalog;
        this.privateViews = views.values().stream().filter(v -> !v.open()).toList();
        RANDOM.nextBytes(loginKey);
    }

    /** The file's user with these credentials, with the file's roles. */
    Optional<Caller> authenticate(String name, String password) {
        User user = users.get(name);
        String key = loginKey(name, password);
        if (user != null && checkedLogins.contains(key)) {
            return Optional.of(caller(name, user));
        }
        boolean matches = PasswordHashes.matches(password, user == null ? UnknownUser.HASH : user.passwordHash());
        if (user == null || !matches) {
            return Optional.empty();
        }
        if (checkedLogins.size() >= REMEMBERED_LOGINS) {
            checkedLogins.clear();
        }
        checkedLogins.add(key);
        return Optional.of(caller(name, user));
    }

    public WriteScope scopeOf(Caller caller) {
        return WriteScope.of(caller, writers);
    }

    /** False when nothing limits reading: every request is served as before access rules existed. */
    public boolean limitsReading() {
        return privateCatalog != null || !privateViews.isEmpty();
    }

    public Optional<View> view(String name) {
        return Optional.ofNullable(views.get(name));
    }

    /** Only the token's hash is kept: the file, a backup of it or a heap dump gives no working URL. */
    public Optional<View> viewForToken(String token) {
        return Optional.ofNullable(viewsByTokenHash.get(Sha256.hex(token.getBytes(StandardCharsets.UTF_8))));
    }

    /** The readers of the whole catalogue at the root URL; empty when anyone may read it. */
    public Optional<View> privateCatalog() {
        return Optional.ofNullable(privateCatalog);
    }

    /**
     * What the root URL shows a reader: with a private catalogue, everything (to its readers); otherwise the
     * products no private view covers, so that a private view's images are not public at the root.
     */
    public boolean rootShows(ProductKey product) {
        return privateCatalog != null || privateViews.stream().noneMatch(view -> view.covers(product));
    }

    public boolean rootShowsPath(String path) {
        return privateCatalog != null || View.productOf(path).filter(this::rootShows).isPresent();
    }

    /** The part of {@code full} the root URL shows; the same object while neither changes. */
    public PublishedCatalog rootCatalog(PublishedCatalog full) {
        return privateCatalog != null || privateViews.isEmpty() ? full : catalogs.of("", this::rootShows, full);
    }

    /**
     * What anyone may learn of the catalogue without logging in (/status, the figures of the page): the root's
     * part, or nothing when the catalogue is private.
     */
    public PublishedCatalog anonymousCatalog(PublishedCatalog full) {
        return privateCatalog != null ? catalogs.of("anonymous", product -> false, full) : rootCatalog(full);
    }

    public boolean anonymousShowsPath(String path) {
        return !limitsReading() || privateCatalog == null && rootShowsPath(path);
    }

    public PublishedCatalog viewCatalog(View view, PublishedCatalog full) {
        return catalogs.of("view " + view.name(), view::covers, full);
    }

    int viewCount() {
        return views.size();
    }

    int userCount() {
        return users.size();
    }

    int writerRuleCount() {
        return writers.size();
    }

    private static Caller caller(String name, User user) {
        return new Caller(name, user.roles()::contains, user.roles());
    }

    private String loginKey(String name, String password) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(loginKey);
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(password.getBytes(StandardCharsets.UTF_8));
        return Sha256.hex(digest);
    }
}
