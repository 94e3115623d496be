package dev.simplestreams.web;

import dev.simplestreams.access.AccessControl;
import dev.simplestreams.access.Caller;
import dev.simplestreams.access.Operation;
import dev.simplestreams.access.Refusal;
import dev.simplestreams.access.WriteScope;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.config.Settings;
import dev.simplestreams.config.WriteAuth;
import dev.simplestreams.security.LoginLockout;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Guards the upload and delete servlets (mapped to them by name, so every way in passes here) as WRITE_AUTH
 * says, and hands them the writer's scope. Runs before any byte of the body is read: a refused upload costs
 * the client one round trip. What the URL alone cannot decide (whether each file creates or overwrites) is
 * checked again where the file is committed.
 */
public final class WriteAuthFilter extends HttpFilter {

    /** The role a container realm must grant an uploader (tomcat-users.xml, LDAP group, database role). */
    static final String ROLE = WriteScope.UPLOADER_ROLE;
    /** The role that may read the audit trail (container realm); with UPLOAD_USER, the uploader may. */
    static final String ADMIN_ROLE = "simplestreams-admin";
    private static final String AUDIT_SERVLET = "audit";
    /** The user this filter authenticated itself (WRITE_AUTH=basic), for filters ahead of it. */
    private static final String USER = WriteAuthFilter.class.getName() + ".user";
    private static final String SCOPE = WriteScope.class.getName();
    private static final String IMAGES = Layout.IMAGES + "/";
    private static final Set<Operation> UPLOADS = EnumSet.of(Operation.CREATE, Operation.OVERWRITE);
    private static final Logger LOG = Logger.getLogger(WriteAuthFilter.class.getName());
    private static final String HOW_TO_CONFIGURE = "set UPLOAD_USER and UPLOAD_PASSWORD (HTTP Basic), or "
            + "ACCESS_FILE to a file of writers, or WRITE_AUTH=container to authenticate against the Tomcat realm "
            + "(role " + ROLE + "), or WRITE_AUTH=off when a proxy in front authenticates writers";

    private Settings settings;
    private AccessControl access;
    private BasicCredentials uploader;
    private LoginLockout lockout;
    private BasicLogins logins;

    @Override
    public void init() {
        Services services = Services.of(getServletContext());
        settings = services.settings();
        access = services.access();
        lockout = services.loginLockout();
        uploader = settings.hasUploader()
                ? new BasicCredentials(settings.uploadUser(), settings.uploadPassword()) : null;
        logins = new BasicLogins(uploader, access, lockout, false);
        String file = settings.accessFile() == null ? "" : " or a user of " + settings.accessFile();
        LOG.info(switch (settings.writeAuth()) {
            case BASIC -> !anyoneCanWrite() ? "uploads and deletes are refused until configured: " + HOW_TO_CONFIGURE
                    : "uploads and deletes need HTTP Basic as "
                    + (uploader == null ? "" : "UPLOAD_USER '" + uploader.user() + "'") + file;
            case CONTAINER -> "uploads and deletes need a user of the container realm with role " + ROLE
                    + " or a scope" + (settings.accessFile() == null ? "" : " from " + settings.accessFile());
            case OFF -> "uploads and deletes are not authenticated here (WRITE_AUTH=off)";
        });
    }

    /** Where the request's writer may write; set on every request that reached the servlets. */
    static WriteScope scope(ServletRequest request) {
        return (WriteScope) request.getAttribute(SCOPE);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (settings.writeAuth() == WriteAuth.OFF) {
            request.setAttribute(SCOPE, WriteScope.unrestricted());
            chain.doFilter(request, response);
            return;
        }
        Optional<Caller> caller = settings.writeAuth() == WriteAuth.BASIC
                ? basic(request, response) : container(request, response);
        if (caller.isEmpty()) {
            return;
        }
        HttpServletRequest authenticated = settings.writeAuth() == WriteAuth.BASIC
                ? new AuthenticatedRequest(request, caller.get()) : request;
        request.setAttribute(USER, caller.get().name());
        if (AUDIT_SERVLET.equals(request.getHttpServletMapping().getServletName())) {
            if (caller.get().isInRole(ADMIN_ROLE) || caller.get().isInRole(ROLE)
                    && settings.writeAuth() == WriteAuth.BASIC) {
                chain.doFilter(authenticated, response);
            } else {
                JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "user '" + caller.get().name()
                        + "' may not read the audit trail: it needs the role " + ADMIN_ROLE);
            }
            return;
        }
        WriteScope scope = access.scopeOf(caller.get());
        Optional<Refusal> refusal = refusalFromUrl(request, scope);
        if (refusal.isPresent()) {
            WriteFailures.refuse(response, refusal.get());
            return;
        }
        authenticated.setAttribute(SCOPE, scope);
        chain.doFilter(authenticated, response);
    }

    private Optional<Refusal> refusalFromUrl(HttpServletRequest request, WriteScope scope) {
        String path = WriteRouter.relativePath(request);
        if (!path.startsWith(IMAGES)) {
            // A mirror sync writes anywhere its remotes say.
            return scope.allows(Operation.CREATE, IMAGES) ? Optional.empty()
                    : Optional.of(scope.refusal("sync the mirror into", IMAGES));
        }
        if (request.getMethod().equals("DELETE")) {
            return scope.check(Operation.DELETE, path);
        }
        return scope.mayWriteWithin(path, UPLOADS) ? Optional.empty() : Optional.of(scope.refusal("upload", path));
    }

    private boolean anyoneCanWrite() {
        return uploader != null || settings.accessFile() != null;
    }

    private Optional<Caller> basic(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!anyoneCanWrite()) {
            // No credentials could succeed, so asking for them (401) would only mislead.
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN,
                    "uploads and deletes are turned off because no uploader is configured: " + HOW_TO_CONFIGURE);
            return Optional.empty();
        }
        return logins.login(request, response, "uploads and deletes need the uploader's credentials (HTTP Basic, "
                + "e.g. curl -u USER:PASSWORD)");
    }

    /**
     * The realm and login-config of the container decide who the user is; its roles and the access file, what
     * they may do. The realm's LockOutRealm (server.xml) locks out users; the lock-out here adds addresses.
     */
    private Optional<Caller> container(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String authorization = request.getHeader("Authorization");
        String user = BasicCredentials.parse(authorization).map(BasicCredentials::user).orElse(null);
        String address = request.getRemoteAddr();
        if (authorization != null) {
            Optional<Duration> locked = lockout.lockedFor(user, address);
            if (locked.isPresent()) {
                BasicLogins.lockedOut(response, locked.get());
                return Optional.empty();
            }
        }
        if (!request.authenticate(response)) {
            if (authorization != null) {
                lockout.failed(user, address);
            }
            return Optional.empty();
        }
        lockout.succeeded(user, address);
        return Optional.of(BasicLogins.realmCaller(request));
    }

    /** Who wrote: the container's user, or the one this filter checked; null when writes are not authenticated. */
    static String user(HttpServletRequest request) {
        String user = request.getRemoteUser();
        return user != null ? user : (String) request.getAttribute(USER);
    }
}
