package dev.simplestreams.web;

import dev.simplestreams.config.Settings;
import dev.simplestreams.security.LoginLockout;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Guards the upload and delete servlets (mapped to them by name, so every way in passes here) as WRITE_AUTH
 * says. Runs before any byte of the body is read: a refused upload costs the client one round trip.
 */
public final class WriteAuthFilter extends HttpFilter {

    /** The role a container realm must grant an uploader (tomcat-users.xml, LDAP group, database role). */
    static final String ROLE = "simplestreams-uploader";
    /** The role that may read the audit trail (container realm); with UPLOAD_USER, the uploader may. */
    static final String ADMIN_ROLE = "simplestreams-admin";
    private static final String AUDIT_SERVLET = "audit";
    /** The user this filter authenticated itself (WRITE_AUTH=basic), for filters ahead of it. */
    private static final String USER = WriteAuthFilter.class.getName() + ".user";
    private static final Logger LOG = Logger.getLogger(WriteAuthFilter.class.getName());
    private static final String HOW_TO_CONFIGURE = "set UPLOAD_USER and UPLOAD_PASSWORD (HTTP Basic), or "
            + "WRITE_AUTH=container to authenticate against the Tomcat realm (role " + ROLE + "), or WRITE_AUTH=off "
            + "when a proxy in front authenticates writers";

    private Settings settings;
    private BasicCredentials uploader;
    private LoginLockout lockout;

    @Override
    public void init() {
        Services services = Services.of(getServletContext());
        settings = services.settings();
        lockout = services.loginLockout();
        uploader = settings.hasUploader()
                ? new BasicCredentials(settings.uploadUser(), settings.uploadPassword()) : null;
        LOG.info(switch (settings.writeAuth()) {
            case BASIC -> uploader == null ? "uploads and deletes are refused until configured: " + HOW_TO_CONFIGURE
                    : "uploads and deletes need HTTP Basic as UPLOAD_USER '" + uploader.user() + "'";
            case CONTAINER -> "uploads and deletes need a user of the container realm with role " + ROLE;
            case OFF -> "uploads and deletes are not authenticated here (WRITE_AUTH=off)";
        });
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean allowed = switch (settings.writeAuth()) {
            case OFF -> true;
            case BASIC -> basic(request, response);
            case CONTAINER -> container(request, response);
        };
        if (allowed) {
            chain.doFilter(request, response);
        }
    }

    private boolean basic(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (uploader == null) {
            // No credentials could succeed, so asking for them (401) would only mislead.
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN,
                    "uploads and deletes are turned off because no uploader is configured: " + HOW_TO_CONFIGURE);
            return false;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            // A client that has not tried yet is asked for credentials: not a failed login.
            return challenge(response);
        }
        Optional<BasicCredentials> given = BasicCredentials.parse(authorization);
        String user = given.map(BasicCredentials::user).orElse(null);
        // Behind the proxy, RemoteIpValve has put the client's own address here.
        String address = request.getRemoteAddr();
        Optional<Duration> locked = lockout.lockedFor(user, address);
        if (locked.isPresent()) {
            lockedOut(response, locked.get());
            return false;
        }
        if (given.map(uploader::sameAs).orElse(false)) {
            lockout.succeeded(user, address);
            request.setAttribute(USER, user);
            return true;
        }
        lockout.failed(user, address);
        return challenge(response);
    }

    private static boolean challenge(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"simplestreams\", charset=\"UTF-8\"");
        JsonResponses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "uploads and deletes need the "
                + "uploader's credentials (HTTP Basic, e.g. curl -u USER:PASSWORD)");
        return false;
    }

    /**
     * 429 rather than 401: the credentials were not checked, and retrying before Retry-After cannot succeed.
     * The same answer whether the password was right or not, so a guesser learns nothing while locked out.
     */
    private static void lockedOut(HttpServletResponse response, Duration left) throws IOException {
        long seconds = Math.max(1, left.toSeconds() + (left.toNanosPart() > 0 ? 1 : 0));
        response.setHeader("Retry-After", String.valueOf(seconds));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", 429);
        body.put("error", "too many failed logins in a row for this user or from this address: logins are locked "
                + "out for " + seconds + " more seconds; wait, then use the right credentials");
        body.put("lockedOutSeconds", seconds);
        JsonResponses.write(response, 429, body);
    }

    /**
     * The realm and login-config of the container decide who the user is; the role decides what they may do.
     * The realm's LockOutRealm (server.xml) locks out users; the lock-out here adds addresses.
     */
    private boolean container(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String authorization = request.getHeader("Authorization");
        String user = BasicCredentials.parse(authorization).map(BasicCredentials::user).orElse(null);
        String address = request.getRemoteAddr();
        if (authorization != null) {
            Optional<Duration> locked = lockout.lockedFor(user, address);
            if (locked.isPresent()) {
                lockedOut(response, locked.get());
                return false;
            }
        }
        if (!request.authenticate(response)) {
            if (authorization != null) {
                lockout.failed(user, address);
            }
            return false;
        }
        lockout.succeeded(user, address);
        if (AUDIT_SERVLET.equals(request.getHttpServletMapping().getServletName())) {
            if (!request.isUserInRole(ADMIN_ROLE)) {
                JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "user '" + request.getRemoteUser()
                        + "' may not read the audit trail: the realm does not grant it the role " + ADMIN_ROLE);
                return false;
            }
            return true;
        }
        if (!request.isUserInRole(ROLE)) {
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "user '" + request.getRemoteUser()
                    + "' may not upload or delete: the realm does not grant it the role " + ROLE);
            return false;
        }
        return true;
    }

    /** Who wrote: the container's user, or the one this filter checked; null when writes are not authenticated. */
    static String user(HttpServletRequest request) {
        String user = request.getRemoteUser();
        return user != null ? user : (String) request.getAttribute(USER);
    }
}
