package dev.simplestreams.web;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.PublishedCatalog;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves {@code streams/v1/index.json}, the products documents it names and {@code images.json} (the whole
 * catalogue, also when it is published as several documents) from the catalogue in memory: always the state just
 * published (no file cache in between), always 200 with the whole body (clients accept
 * nothing else), gzip-compressed when asked. A mirror downstream revalidates with {@code If-None-Match} and
 * gets 304 while nothing changed; LXD and Incus never send it, so they always get the 200 they require. The
 * clear-signed forms ({@code index.sjson} and those of the documents it names) come from the same state, so a
 * signature always matches the document served beside it.
 */
public final class CatalogServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, Services.of(getServletContext()).indexing().current(),
                request.getPathInfo() == null ? "" : request.getPathInfo().substring(1));
    }

    /**
     * Answers {@code document} ({@code index.json}, a products document or a signed form) of {@code catalog}: the
     * whole catalogue, or the part a view or the root shows (see {@link ReadAccessFilter}); null while none is
     * built. Only the whole catalogue carries signatures, so a part never serves a signature of more than it shows.
     */
    static void serve(HttpServletRequest request, HttpServletResponse response, PublishedCatalog catalog,
            String document) throws IOException {
        if (document.endsWith(".sjson")) {
            signed(response, catalog, document);
            return;
        }
        if (catalog == null) {
            response.setHeader("Retry-After", "5");
            JsonResponses.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "the catalogue is still being built; try again in a few seconds");
            return;
        }
        String path = Layout.STREAMS + "/" + document;
        if (catalog.document(path) == null) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND,
                    "no such catalogue document; clients read streams/v1/index.json and the documents it names");
            return;
        }
        boolean gzip = acceptsGzip(request);
        // One tag per document's bytes and encoding (each encoding is a different representation).
        String etag = "\"" + catalog.tag(path) + (gzip ? "-gz" : "") + "\"";
        response.setHeader("ETag", etag);
        response.setHeader("Vary", "Accept-Encoding");
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        byte[] body = gzip ? catalog.gzipped(path) : catalog.document(path);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setDateHeader("Last-Modified", catalog.updated().toEpochMilli());
        if (gzip) {
            response.setHeader("Content-Encoding", "gzip");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void signed(HttpServletResponse response, PublishedCatalog catalog, String document)
            throws IOException {
        if (catalog == null) {
            response.setHeader("Retry-After", "5");
            JsonResponses.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "the catalogue is still being built; try again in a few seconds");
            return;
        }
        byte[] body = catalog.signedDocument(Layout.STREAMS + "/" + document);
        if (body == null) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, catalog.signedBy() == null
                    ? "no signed form of this catalogue: the server signs only its whole catalogue, and only when "
                            + "its operator sets SIGNING_KEY; read streams/v1/index.json"
                    : "no such signed document; signed readers start from streams/v1/index.sjson");
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setDateHeader("Last-Modified", catalog.updated().toEpochMilli());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static boolean acceptsGzip(HttpServletRequest request) {
        var values = request.getHeaders("Accept-Encoding");
        while (values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",")) {
                String[] parts = coding.trim().split(";");
                if (parts[0].trim().equalsIgnoreCase("gzip")
                        && !(parts.length > 1 && parts[1].replace(" ", "").matches("q=0(\\.0*)?"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
