package dev.simplestreams.web;

import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.config.WriteAuth;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /audit?since=<ISO-8601 instant>[&until=...]}: the audit trail's lines in that time span, oldest first,
 * as JSON lines. {@link WriteAuthFilter} lets only an admin through.
 */
public final class AuditServlet extends HttpServlet {

    private static final String EXAMPLE = "e.g. /audit?since=2026-12-01T00:00:00Z&until=2026-12-02T00:00:00Z";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (Services.of(getServletContext()).settings().writeAuth() == WriteAuth.OFF) {
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "the audit trail is only shown to an "
                    + "admin this server authenticates: set WRITE_AUTH=basic or container");
            return;
        }
        String since = request.getParameter("since");
        if (since == null) {
            JsonResponses.error(response, HttpServletResponse.SC_BAD_REQUEST, "say from when: since=<ISO-8601 "
                    + "instant>, " + EXAMPLE);
            return;
        }
        Instant from;
        Instant until;
        try {
            from = Instant.parse(since);
            String end = request.getParameter("until");
            until = end == null ? Instant.MAX : Instant.parse(end);
        } catch (DateTimeParseException e) {
            JsonResponses.error(response, HttpServletResponse.SC_BAD_REQUEST, "since and until are ISO-8601 instants "
                    + "in UTC, " + EXAMPLE + " (" + e.getParsedString() + " is not one)");
            return;
        }
        AuditTrail trail = Services.of(getServletContext()).audit();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/jsonl");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        OutputStream out = response.getOutputStream();
        try {
            trail.read(from, until, line -> {
                try {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
