package dev.simplestreams.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simplestreams.audit.AuditEntry;
import dev.simplestreams.audit.AuditTrail;
import dev.simplestreams.catalog.JsonMappers;
import dev.simplestreams.write.DeleteReport;
import dev.simplestreams.write.StoredResult;
import dev.simplestreams.write.UploadReport;
import dev.simplestreams.write.VersionState;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records every upload and delete in the audit trail, refused ones too, before the writer gets the answer:
 * mapped ahead of {@link WriteAuthFilter}, it sees the refusals for credentials as well. The servlets leave
 * their report in a request attribute; a refusal's reason is the {@code error} of the JSON answer.
 */
public final class AuditFilter extends HttpFilter {

    /** The request attribute holding the servlet's {@link UploadReport} or {@link DeleteReport}. */
    static final String REPORT = AuditFilter.class.getName() + ".report";
    private static final Logger LOG = Logger.getLogger(AuditFilter.class.getName());

    private AuditTrail trail;

    @Override
    public void init() {
        trail = Services.of(getServletContext()).audit();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HeldResponse held = new HeldResponse(response);
        boolean answered = false;
        try {
            chain.doFilter(request, held);
            answered = true;
        } finally {
            List<AuditEntry> entries = entries(request, held, answered);
            try {
                trail.record(entries);
            } catch (IOException | RuntimeException e) {
                // The change is made: answering with an error now would make the writer think it was not.
                LOG.log(Level.SEVERE, "could not record " + entries.size() + " line(s) in the audit trail: " + entries,
                        e);
            }
            held.release();
        }
    }

    private static List<AuditEntry> entries(HttpServletRequest request, HeldResponse response, boolean answered) {
        String who = WriteAuthFilter.user(request);
        String address = request.getRemoteAddr();
        Integer status = answered ? response.getStatus() : null;
        boolean delete = request.getMethod().equals("DELETE");
        List<AuditEntry> entries = new ArrayList<>();
        Object report = request.getAttribute(REPORT);
        if (report instanceof UploadReport upload) {
            for (StoredResult file : upload.files()) {
                entries.add(new AuditEntry(null, "upload", who, address, file.path(), file.requested(), file.size(),
                        file.sha256(), fingerprints(upload, file), status,
                        file.result().name().toLowerCase(Locale.ROOT), file.note()));
            }
        } else if (report instanceof DeleteReport deleted) {
            entries.add(new AuditEntry(null, "delete", who, address, deleted.deleted(), null, null, null, null, status,
                    "deleted", null));
        }
        String reason = answered ? reason(response) : "the client went away before the request was complete";
        if (!answered || reason != null || status >= 400 && report == null) {
            entries.add(new AuditEntry(null, delete ? "delete" : "upload", who, address,
                    WriteRouter.relativePath(request), null, null, null, null, status,
                    answered ? "refused" : "aborted", reason));
        }
        return entries;
    }

    /** The fingerprints of the published image a file belongs to; null for files of unpublished versions. */
    private static List<String> fingerprints(UploadReport report, StoredResult file) {
        for (VersionState version : report.versions()) {
            if (version.published() && file.path().startsWith(version.directory() + "/")) {
                return version.fingerprints();
            }
        }
        return null;
    }

    /** The {@code error} of a JSON answer; null for answers without one. */
    private static String reason(HeldResponse response) {
        byte[] body = response.body();
        if (body.length == 0 || response.getStatus() < 400) {
            return null;
        }
        try {
            JsonNode error = JsonMappers.JSON.readTree(body).get("error");
            return error == null ? null : error.asText();
        } catch (IOException notJson) {
            return null;
        }
    }
}
