package dev.simplestreams.web;

import dev.simplestreams.config.Settings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Guards the upload and delete servlets (mapped to them by name, so every way in passes here) as WRITE_AUTH
 * says. Runs before any byte of the body is read: a refused upload costs the client one round trip.
 */
public final class WriteAuthFilter extends HttpFilter {

    /** The role a container realm must grant an uploader (tomcat-users.xml, LDAP group, database role). */
    static final String ROLE = "simplestreams-uploader";
    private static final Logger LOG = Logger.getLogger(WriteAuthFilter.class.getName());
    private static final String HOW_TO_CONFIGURE = "set UPLOAD_USER and UPLOAD_PASSWORD (HTTP Basic), or "
            + "WRITE_AUTH=container to authenticate against the Tomcat realm (role " + ROLE + "), or WRITE_AUTH=off "
            + "when a proxy in front authenticates writers";

    private Settings settings;
    private BasicCredentials uploader;

    @Override
    public void init() {
        settings = ServerLifecycle.settings(getServletContext());
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
        boolean valid = BasicCredentials.parse(request.getHeader("Authorization"))
                .map(uploader::sameAs).orElse(false);
        if (!valid) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"simplestreams\", charset=\"UTF-8\"");
            JsonResponses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "uploads and deletes need the "
                    + "uploader's credentials (HTTP Basic, e.g. curl -u USER:PASSWORD)");
        }
        return valid;
    }

    /** The realm and login-config of the container decide who the user is; the role decides what they may do. */
    private boolean container(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (!request.authenticate(response)) {
            return false;
        }
        if (!request.isUserInRole(ROLE)) {
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "user '" + request.getRemoteUser()
                    + "' may not upload or delete: the realm does not grant it the role " + ROLE);
            return false;
        }
        return true;
    }
}
