package dev.simplestreams.web;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.page.CatalogPage;
import dev.simplestreams.page.PublicUrl;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The catalogue page at the root URL (mapped to the empty pattern, which matches the context root only, so
 * DefaultServlet keeps everything else). The last rendering is reused while the catalogue and the public
 * URL stay the same.
 */
public final class PageServlet extends HttpServlet {

    private record Rendered(PublishedCatalog catalog, PublicUrl url, byte[] html) {
    }

    private volatile Rendered last;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PublishedCatalog catalog = ReadAccessFilter.visibleCatalog(request,
                Services.of(getServletContext()).indexing().current());
        PublicUrl url = PublicUrl.of(request.getHeader("X-Forwarded-Proto"), request.getHeader("X-Forwarded-Host"),
                request.getScheme(), request.getHeader("Host"), request.getServerName(), request.getServerPort());
        PublicUrl configured = Services.of(getServletContext()).publicUrl();
        PublicUrl clients = configured == null ? url : configured;
        Rendered page = last;
        if (page == null || page.catalog() != catalog || !page.url().equals(url)) {
            page = new Rendered(catalog, url,
                    CatalogPage.render(catalog, url, clients).getBytes(StandardCharsets.UTF_8));
            if (catalog != null) {
                last = page;
            }
        }
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        // The commands name the host the viewer used: a shared cache must not hand them to someone else.
        response.setHeader("Vary", "Host, X-Forwarded-Host, X-Forwarded-Proto");
        response.setHeader("Content-Security-Policy", CatalogPage.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(page.html().length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(page.html());
        }
    }
}
