package dev.simplestreams.web;

import dev.simplestreams.access.Refusal;
import dev.simplestreams.write.UploadReport;
import dev.simplestreams.write.WriteException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/** Answers a failed upload or delete: one status per kind of failure, and what was stored before it. */
final class WriteFailures {

    private static final Logger LOG = Logger.getLogger(WriteFailures.class.getName());

    private WriteFailures() {
    }

    /** One status per reason, as Tomcat's FailedRequestFilter maps each reason a request failed for. */
    static int status(WriteException.Reason reason) {
        return switch (reason) {
            case INVALID, MALFORMED_BODY -> HttpServletResponse.SC_BAD_REQUEST; // the request itself must change
            case NOT_ALLOWED -> HttpServletResponse.SC_FORBIDDEN; // only the server's configuration could allow it
            case NOT_FOUND -> HttpServletResponse.SC_NOT_FOUND;
            case TOO_LARGE -> HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
            // WebDAV's Insufficient Storage: the same request may succeed once space is freed.
            case STORAGE_FULL -> 507;
        };
    }

    static void answer(HttpServletResponse response, WriteException e, UploadReport soFar) throws IOException {
        write(response, status(e.reason()), e.getMessage(), e.refusal(), soFar);
    }

    /** A writer outside its scope: who, what, where, and where it may write instead. */
    static void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
        write(response, HttpServletResponse.SC_FORBIDDEN, refusal.message(), refusal, null);
    }

    /**
     * Whether a failure while the body was read is a client that went away, which gets no answer. Any other is
     * not the client's, and the caller lets the container report it.
     */
    static boolean clientWentAway(IOException e) {
        if (Disconnects.clientWentAway(e)) {
            LOG.info(() -> "upload ended early, the client went away (" + e + "); nothing partial was kept");
            return true;
        }
        return false;
    }

    private static void write(HttpServletResponse response, int status, String message, Refusal refusal,
            UploadReport soFar) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        if (refusal != null) {
            body.put("user", refusal.user());
            body.put("operation", refusal.operation());
            body.put("path", refusal.path());
            body.put("may_write", refusal.mayWrite());
        }
        if (soFar != null && !soFar.files().isEmpty()) {
            body.put("files", soFar.files());
            body.put("versions", soFar.versions());
        }
        JsonResponses.write(response, status, body);
    }
}
