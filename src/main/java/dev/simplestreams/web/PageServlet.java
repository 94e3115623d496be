package dev.simplestreams.web;

import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.page.CatalogPage;
import dev.simplestreams.page.CatalogPageModel;
import dev.simplestreams.page.PublicUrl;
import dev.simplestreams.page.RemoteAddress;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The catalogue page at the root URL (mapped to the empty pattern, which matches the context root only, so
 * DefaultServlet keeps everything else). The last rendering is reused while the catalogue and the public
 * URL stay the same. A view's page, at the view's own URL, is served through {@link #serveView}.
 */
public final class PageServlet extends HttpServlet {

    private record Rendered(PublishedCatalog catalog, PublicUrl url, byte[] html) {
    }

    private volatile Rendered last;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PublishedCatalog catalog = ReadAccessFilter.visibleCatalog(request,
                Services.of(getServletContext()).indexing().current());
        PublicUrl url = viewerUrl(request);
        PublicUrl clients = clientsUrl(request, url);
        Rendered page = last;
        if (page == null || page.catalog() != catalog || !page.url().equals(url)) {
            page = new Rendered(catalog, url,
                    CatalogPage.render(catalog, url, clients).getBytes(StandardCharsets.UTF_8));
            if (catalog != null) {
                last = page;
            }
        }
        write(request, response, page.html(), "no-cache");
    }

    /**
     * The page of a view its reader may read, rendered for each request: it is for one reader, and a token view's
     * page repeats the token, so no cache may keep it.
     */
    static void serveView(HttpServletRequest request, HttpServletResponse response, PublishedCatalog catalog,
            String view, String token) throws IOException {
        PublicUrl url = viewerUrl(request);
        PublicUrl clients = clientsUrl(request, url);
        RemoteAddress address = token == null ? RemoteAddress.viewByName(clients, view)
                : RemoteAddress.viewByToken(clients, view, token);
        byte[] html = CatalogPage.render(CatalogPageModel.of(catalog, url, clients, view, address))
                .getBytes(StandardCharsets.UTF_8);
        write(request, response, html, "private, no-store");
    }

    private static PublicUrl viewerUrl(HttpServletRequest request) {
        return PublicUrl.of(request.getHeader("X-Forwarded-Proto"), request.getHeader("X-Forwarded-Host"),
                request.getScheme(), request.getHeader("Host"), request.getServerName(), request.getServerPort());
    }

    /** The address lxc and incus should use: PUBLIC_URL, else the viewer's. */
    private static PublicUrl clientsUrl(HttpServletRequest request, PublicUrl viewer) {
        PublicUrl configured = Services.of(request.getServletContext()).publicUrl();
        return configured == null ? viewer : configured;
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, byte[] html,
            String cacheControl) throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", cacheControl);
        // The commands name the host the viewer used: a shared cache must not hand them to someone else.
        response.setHeader("Vary", "Host, X-Forwarded-Host, X-Forwarded-Proto");
        response.setHeader("Content-Security-Policy", CatalogPage.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(html.length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(html);
        }
    }
}
