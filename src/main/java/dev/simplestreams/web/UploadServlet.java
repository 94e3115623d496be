package dev.simplestreams.web;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.config.Settings;
import dev.simplestreams.metrics.ServerMetrics;
import dev.simplestreams.upload.InvalidUploadException;
import dev.simplestreams.upload.TooLargeException;
import dev.simplestreams.upload.UploadBatch;
import dev.simplestreams.upload.UploadException;
import dev.simplestreams.upload.UploadPolicy;
import dev.simplestreams.upload.UploadReport;
import dev.simplestreams.upload.UploadService;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

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
        void storeInto(UploadBatch batch) throws UploadException, IOException;
    }

    @Override
    public void init() {
        ServletContext context = getServletContext();
        Settings settings = ServerLifecycle.settings(context);
        uploads = new UploadService(ServerLifecycle.store(context), ServerLifecycle.hashCache(context),
                ServerLifecycle.indexer(context), new UploadPolicy(settings.allowOverwrites(),
                settings.maxUploadBytes()));
        metrics = ServerLifecycle.metrics(context);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            JsonResponses.error(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "POST takes "
                    + "multipart/form-data (curl -F 'file=@FILE;filename=<dir>/<name>'); send a raw body with PUT "
                    + "(curl -T FILE) to the file's URL instead");
            return;
        }
        String directory = directoryOf(request);
        handle(request, response, batch -> {
            JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> multipart = new JakartaServletFileUpload<>();
            multipart.setSizeMax(uploads.policy().maxUploadBytes());
            multipart.setHeaderCharset(StandardCharsets.UTF_8);
            FileItemInputIterator parts;
            try {
                parts = multipart.getItemIterator(request);
            } catch (IllegalArgumentException e) {
                // FileUpload reads the Content-Type's charset with Charset.forName: an unknown or malformed one
                // (charset=x-evil) is the client's mistake, not an internal error.
                throw new InvalidUploadException("the multipart request's charset is not supported; send "
                        + "Content-Type: multipart/form-data; boundary=... without a charset, or with charset=UTF-8");
            }
            boolean any = false;
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                if (part.isFormField()) {
                    continue;
                }
                any = true;
                try (InputStream in = part.getInputStream()) {
                    batch.store(directory + fileName(part), in, -1);
                }
            }
            if (!any) {
                throw new InvalidUploadException("the request holds no file; send each with a file name, e.g. "
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
                throw new InvalidUploadException("PUT needs the file's URL, e.g. curl -T rootfs.squashfs "
                        + "/images/<os>/<release>/<arch>/<variant>/<version>/rootfs.squashfs");
            }
            batch.store(name, request.getInputStream(), request.getContentLengthLong());
        });
    }

    private void handle(HttpServletRequest request, HttpServletResponse response, Body body) throws IOException {
        UploadBatch batch = uploads.begin();
        boolean answered = false;
        try {
            store(request, response, body, batch);
            answered = true;
        } finally {
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
                throw new TooLargeException(max);
            }
            body.storeInto(batch);
        } catch (UploadException e) {
            WriteFailures.answer(response, e, batch.report());
            return;
        } catch (IOException e) {
            if (!WriteFailures.answerReadFailure(response, e, max, batch.report())) {
                throw e;
            }
            return;
        }
        UploadReport report = batch.report();
        JsonResponses.write(response, status(report), report);
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

    private static String fileName(FileItemInput part) throws InvalidUploadException {
        try {
            return part.getName();
        } catch (InvalidPathException e) {
            throw new InvalidUploadException("a file name contains a NUL character");
        }
    }
}
