package dev.simplestreams.web;

import dev.simplestreams.metrics.ServerMetrics;
import dev.simplestreams.store.ImageStore;
import dev.simplestreams.store.StoredFile;
import dev.simplestreams.store.UnsafePathException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * Image downloads from a store that can serve them itself (a bucket): GET is answered with a redirect to the
 * store's short-lived URL, so the bytes never pass through Tomcat; HEAD is answered here, because a presigned
 * URL is signed for GET only. Where the store has no such URL, DefaultServlet serves the file as before. A view's
 * download is redirected the same way once its reader has been let through.
 */
public final class DirectDownloads extends HttpFilter {

    private ImageStore store;
    private ServerMetrics metrics;

    @Override
    public void init() {
        store = Services.of(getServletContext()).store();
        metrics = Services.of(getServletContext()).metrics();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean head = request.getMethod().equals("HEAD");
        if (!head && !request.getMethod().equals("GET")) {
            chain.doFilter(request, response);
            return;
        }
        String path = WriteRouter.relativePath(request);
        if (path.startsWith(ViewPaths.BY_NAME) || path.startsWith(ViewPaths.BY_TOKEN)) {
            // ReadAccessFilter let it through: the view covers the file below it.
            path = ViewPaths.rest(path);
        }
        Optional<URI> direct;
        Optional<StoredFile> file;
        try {
            direct = store.downloadUrl(path);
            if (direct.isEmpty()) {
                chain.doFilter(request, response);
                return;
            }
            file = store.stat(path);
        } catch (UnsafePathException e) {
            // Not a file name (a directory, a hidden or escaping path): answered as any missing resource. Both
            // calls check the same path the same way, so only the first can refuse it.
            chain.doFilter(request, response);
            return;
        }
        if (file.isEmpty()) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "no such image file: " + path);
            return;
        }
        // A redirect signed for minutes must not be cached for longer by a proxy.
        response.setHeader("Cache-Control", "no-store");
        if (head) {
            String type = getServletContext().getMimeType(path);
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(type == null ? "application/octet-stream" : type);
            response.setContentLengthLong(file.get().size());
            response.setDateHeader("Last-Modified", file.get().modifiedMillis());
            response.setHeader("ETag", "W/\"" + file.get().size() + "-" + file.get().modifiedMillis() + "\"");
            response.setHeader("Accept-Ranges", "bytes");
            return;
        }
        response.sendRedirect(direct.get().toString(), HttpServletResponse.SC_FOUND);
        // The bytes are the bucket's to count.
        metrics.downloadAnswered(HttpServletResponse.SC_FOUND, 0);
    }
}
