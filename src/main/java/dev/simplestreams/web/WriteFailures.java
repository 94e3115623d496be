package dev.simplestreams.web;

import dev.simplestreams.upload.InsufficientStorageException;
import dev.simplestreams.upload.InvalidUploadException;
import dev.simplestreams.upload.MalformedMultipartException;
import dev.simplestreams.upload.MultipartSizeException;
import dev.simplestreams.upload.NotAllowedException;
import dev.simplestreams.upload.NotFoundException;
import dev.simplestreams.upload.TooLargeException;
import dev.simplestreams.upload.UploadException;
import dev.simplestreams.upload.UploadReport;
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

    static int status(UploadException e) {
        if (e instanceof InvalidUploadException) {
            return HttpServletResponse.SC_BAD_REQUEST; // the request itself must change
        }
        if (e instanceof NotAllowedException) {
            return HttpServletResponse.SC_FORBIDDEN; // only the server's configuration could allow it
        }
        if (e instanceof NotFoundException) {
            return HttpServletResponse.SC_NOT_FOUND;
        }
        if (e instanceof TooLargeException) {
            return HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
        }
        if (e instanceof InsufficientStorageException) {
            return 507; // WebDAV's Insufficient Storage: the same request may succeed once space is freed
        }
        return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
    }

    static void answer(HttpServletResponse response, UploadException e, UploadReport soFar) throws IOException {
        write(response, status(e), e.getMessage(), soFar);
    }

    /**
     * Failures while reading the body. A client that went away gets no answer; the multipart parser's size
     * limit is the same limit as ours;
     * anything else wrong with the multipart stream is the client's. Returns false for a failure that is not
     * the client's, which the caller lets the container report.
     */
    static boolean answerReadFailure(HttpServletResponse response, IOException e, long maxBytes, UploadReport soFar)
            throws IOException {
        if (Disconnects.clientWentAway(e)) {
            LOG.info(() -> "upload ended early, the client went away (" + e + "); nothing partial was kept");
            return true;
        }
        if (e instanceof MultipartSizeException) {
            answer(response, new TooLargeException(maxBytes), soFar);
            return true;
        }
        if (e instanceof MalformedMultipartException) {
            write(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage()
                    + "; send files with curl -F 'file=@FILE;filename=<dir>/<name>'", soFar);
            return true;
        }
        return false;
    }

    private static void write(HttpServletResponse response, int status, String message, UploadReport soFar)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        if (soFar != null && !soFar.files().isEmpty()) {
            body.put("files", soFar.files());
            body.put("versions", soFar.versions());
        }
        JsonResponses.write(response, status, body);
    }
}
