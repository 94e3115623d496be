package dev.simplestreams.web;

import dev.simplestreams.access.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * A request whose user this application authenticated itself (UPLOAD_USER, the access file) rather than the
 * container: what comes after (servlets, the audit trail) asks it who the user is the standard way.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {

    private final Caller caller;

    AuthenticatedRequest(HttpServletRequest request, Caller caller) {
        super(request);
        this.caller = caller;
    }

    @Override
    public String getRemoteUser() {
        return caller.name();
    }

    @Override
    public Principal getUserPrincipal() {
        return caller::name;
    }

    @Override
    public boolean isUserInRole(String role) {
        return caller.isInRole(role);
    }

    @Override
    public String getAuthType() {
        return BASIC_AUTH;
    }
}
