package dev.simplestreams.web;

import dev.simplestreams.catalog.ClientCaches;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.metrics.ServerMetrics;
import dev.simplestreams.write.MultipartReader;
import dev.simplestreams.write.UploadBatch;
import dev.simplestreams.write.UploadReport;
import dev.simplestreams.write.UploadService;
import dev.simplestreams.write.VersionState;
import dev.simplestreams.write.WriteException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Uploads into {@code images/}: POST multipart/form-data, where each file part's file name is its path
 * relative to the URL's directory (any field names, any number of files), or PUT with the raw body at the
 * file's own URL. Parts are streamed one by one straight into the tree; nothing is spooled. Reached only
 * through {@link WriteRouter} and {@link WriteAuthFilter}.
 */
public final class UploadServlet extends HttpServlet {

    private static final String IMAGES = Layout.IMAGES + "/";

    private UploadService uploads;
    private ServerMetrics metrics;

    @FunctionalInterface
    private interface Body {
        void storeInto(UploadBatch batch) throws WriteException, IOException;
    }

    @Override
    public void init() {
        Services services = Services.of(getServletContext());
        uploads = services.uploads();
        metrics = services.metrics();
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            JsonResponses.error(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "POST takes "
                    + "multipart/form-data (curl -F 'file=@FILE;filename=<dir>/<name>'); send a raw body with PUT "
                    + "(curl -T FILE) to the file's URL instead");
            return;
        }
        String directory = directoryOf(request);
        handle(request, response, batch -> {
            MultipartReader parts = MultipartReader.open(contentType, request.getInputStream(),
                    uploads.policy().maxUploadBytes());
            boolean any = false;
            for (MultipartReader.Part part = parts.next(); part != null; part = parts.next()) {
                if (part.fileName() == null) {
                    continue;
                }
                any = true;
                batch.store(directory + fileName(part), part.content(), -1);
            }
            if (!any) {
                throw WriteException.invalid("the request holds no file; send each with a file name, e.g. "
                        + "curl -F 'file=@meta.tar.xz;filename=<os>/<release>/<arch>/<variant>/<version>/lxd.tar.xz'");
            }
        });
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = WriteRouter.relativePath(request);
        String name = path.startsWith(IMAGES) ? path.substring(IMAGES.length()) : "";
        handle(request, response, batch -> {
            if (name.isEmpty() || name.endsWith("/")) {
                throw WriteException.invalid("PUT needs the file's URL, e.g. curl -T rootfs.squashfs "
                        + "/images/<os>/<release>/<arch>/<variant>/<version>/rootfs.squashfs");
            }
            batch.store(name, request.getInputStream(), request.getContentLengthLong());
        });
    }

    private void handle(HttpServletRequest request, HttpServletResponse response, Body body) throws IOException {
        UploadBatch batch = uploads.begin(WriteAuthFilter.scope(request));
        boolean answered = false;
        try {
            store(request, response, body, batch);
            answered = true;
        } finally {
            request.setAttribute(AuditFilter.REPORT, batch.report());
            // A request whose client went away mid-body has no status of its own.
            metrics.uploadAnswered(answered ? String.valueOf(response.getStatus()) : "aborted", batch.report());
        }
    }

    private void store(HttpServletRequest request, HttpServletResponse response, Body body, UploadBatch batch)
            throws IOException {
        long max = uploads.policy().maxUploadBytes();
        try {
            // Decided from the headers alone: with Expect: 100-continue the client has sent no byte of the body.
            if (request.getContentLengthLong() > max) {
                throw WriteException.tooLarge(max);
            }
            body.storeInto(batch);
        } catch (WriteException e) {
            WriteFailures.answer(response, e, batch.report());
            return;
        } catch (IOException e) {
            if (!WriteFailures.clientWentAway(e)) {
                throw e;
            }
            return;
        }
        UploadReport report = batch.report();
        JsonResponses.write(response, status(report), withHint(report));
    }

    /** A version just published: when clients will see it is the first thing its uploader asks. */
    private static Object withHint(UploadReport report) {
        if (report.versions().stream().noneMatch(VersionState::published)) {
            return report;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", report.files());
        body.put("versions", report.versions());
        body.put("hint", ClientCaches.AFTER_PUBLISHING);
        return body;
    }

    /**
     * 409 when an upload could not take the place it asked for (it was kept aside, unpublished), so that
     * scripts using curl --fail notice; 201 when a new file appeared; 200 for replacements and repeats.
     */
    private static int status(UploadReport report) {
        if (report.anyStoredAside()) {
            return HttpServletResponse.SC_CONFLICT;
        }
        return report.anyCreated() ? HttpServletResponse.SC_CREATED : HttpServletResponse.SC_OK;
    }

    /** The URL's directory below images/ that the parts' file names are relative to: "" for /images/. */
    private static String directoryOf(HttpServletRequest request) {
        String path = WriteRouter.relativePath(request);
        String below = path.length() > IMAGES.length() ? path.substring(IMAGES.length()) : "";
        return below.isEmpty() || below.endsWith("/") ? below : below + "/";
    }

    private static String fileName(MultipartReader.Part part) throws WriteException {
        if (part.fileName().indexOf('\0') >= 0) {
            throw WriteException.invalid("a file name contains a NUL character");
        }
        return part.fileName();
    }
}
