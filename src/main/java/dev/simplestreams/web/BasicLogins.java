package dev.simplestreams.web;

import dev.simplestreams.access.AccessControl;
import dev.simplestreams.access.Caller;
import dev.simplestreams.access.WriteScope;
import dev.simplestreams.security.LoginLockout;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.catalina.realm.GenericPrincipal;

/**
 * HTTP Basic logins this application checks: UPLOAD_USER (a writer of everything), the access file's users and,
 * when asked to, the users of the container's realm (LDAP, a database) with the roles it gives them; behind the
 * login lock-out. Writers and readers of private views log in the same way.
 */
final class BasicLogins {

    private final BasicCredentials uploader;
    private final AccessControl access;
    private final LoginLockout lockout;
    private final boolean realm;

    /** {@code uploader}: null when UPLOAD_USER is not set; {@code realm}: also ask the container's realm. */
    BasicLogins(BasicCredentials uploader, AccessControl access, LoginLockout lockout, boolean realm) {
        this.uploader = uploader;
        this.access = access;
        this.lockout = lockout;
        this.realm = realm;
    }

    /**
     * The user the request's credentials name, or empty once the answer is written: 401 with {@code why} for
     * none or wrong ones, 429 while the user or the address is locked out.
     */
    Optional<Caller> login(HttpServletRequest request, HttpServletResponse response, String why) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            // A client that has not tried yet is asked for credentials: not a failed login.
            challenge(response, why);
            return Optional.empty();
        }
        Optional<BasicCredentials> given = BasicCredentials.parse(authorization);
        String user = given.map(BasicCredentials::user).orElse(null);
        // Behind the proxy, RemoteIpValve has put the client's own address here.
        String address = request.getRemoteAddr();
        Optional<Duration> locked = lockout.lockedFor(user, address);
        if (locked.isPresent()) {
            lockedOut(response, locked.get());
            return Optional.empty();
        }
        Optional<Caller> caller = given.flatMap(credentials -> authenticate(credentials, request));
        if (caller.isPresent()) {
            lockout.succeeded(user, address);
            return caller;
        }
        lockout.failed(user, address);
        challenge(response, why);
        return Optional.empty();
    }

    /**
     * UPLOAD_USER writes everything, as before the access file existed; the file's users have its roles, the
     * realm's users the realm's.
     */
    private Optional<Caller> authenticate(BasicCredentials given, HttpServletRequest request) {
        if (uploader != null && uploader.sameAs(given)) {
            return Optional.of(new Caller(given.user(), WriteScope.UPLOADER_ROLE::equals));
        }
        Optional<Caller> fileUser = access.authenticate(given.user(), given.password());
        return fileUser.isPresent() || !realm ? fileUser : realmUser(given, request);
    }

    private static Optional<Caller> realmUser(BasicCredentials given, HttpServletRequest request) {
        try {
            request.login(given.user(), given.password());
        } catch (ServletException refused) {
            return Optional.empty();
        }
        return Optional.of(realmCaller(request));
    }

    /** The realm's user of an authenticated request: roles asked of the realm, listed where its principal can. */
    static Caller realmCaller(HttpServletRequest request) {
        Set<String> listed = request.getUserPrincipal() instanceof GenericPrincipal principal
                ? Set.copyOf(Arrays.asList(principal.getRoles())) : Set.of();
        return new Caller(request.getRemoteUser(), request::isUserInRole, listed);
    }

    static void challenge(HttpServletResponse response, String why) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"simplestreams\", charset=\"UTF-8\"");
        JsonResponses.error(response, HttpServletResponse.SC_UNAUTHORIZED, why);
    }

    /**
     * 429 rather than 401: the credentials were not checked, and retrying before Retry-After cannot succeed.
     * The same answer whether the password was right or not, so a guesser learns nothing while locked out.
     */
    static void lockedOut(HttpServletResponse response, Duration left) throws IOException {
        long seconds = Math.max(1, left.toSeconds() + (left.toNanosPart() > 0 ? 1 : 0));
        response.setHeader("Retry-After", String.valueOf(seconds));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", 429);
        body.put("error", "too many failed logins in a row for this user or from this address: logins are locked "
                + "out for " + seconds + " more seconds; wait, then use the right credentials");
        body.put("lockedOutSeconds", seconds);
        JsonResponses.write(response, 429, body);
    }
}
