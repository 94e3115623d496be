package dev.simplestreams.web;

import dev.simplestreams.access.AccessControl;
import dev.simplestreams.access.AccessRules;
import dev.simplestreams.access.Caller;
import dev.simplestreams.access.View;
import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.PublishedCatalog;
import dev.simplestreams.config.Settings;
import dev.simplestreams.config.WriteAuth;
import dev.simplestreams.indexer.Indexing;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Who may read what, as the access file's views say. A view is served at {@code /v/<name>/} (HTTP Basic from
 * the remote URL, as lxc and incus send it) and at {@code /t/<token>/}, each with its own
 * {@code streams/v1/index.json} and {@code images.json}; their items' paths stay {@code images/...}, so clients
 * download through the view's URL with the same credentials, and a download is served only if the view
 * covers it. Readers are the access file's users and, with WRITE_AUTH=container, the realm's, by the roles it
 * gives them. The root serves what no private view covers, or everything to the readers of a private
 * catalogue. Whatever is hidden answers exactly like what does not exist (404), so nothing tells a guesser
 * that it is there. A view's own URL shows its catalogue page to its readers. With no view and no private
 * catalogue, requests pass untouched.
 *
 * <p>Downloads go on to the servlet with the original request and response, so Tomcat keeps sendfile.
 */
public final class ReadAccessFilter extends HttpFilter {

    /** The part of the catalogue this request may see, for the page. */
    private static final String VISIBLE_CATALOG = ReadAccessFilter.class.getName() + ".catalog";
    private static final String STREAMS = Layout.STREAMS + "/";
    private static final String IMAGES = Layout.IMAGES + "/";
    private static final String WHY = "this catalogue is private: give a reader's credentials in the remote URL, "
            + "e.g. lxc remote add NAME https://USER:PASSWORD@HOST/v/VIEW/ --protocol=simplestreams";

    private AccessControl access;
    private Indexing indexing;
    private BasicLogins logins;

    @Override
    public void init() {
        Services services = Services.of(getServletContext());
        Settings settings = services.settings();
        access = services.access();
        indexing = services.indexing();
        logins = new BasicLogins(settings.hasUploader()
                ? new BasicCredentials(settings.uploadUser(), settings.uploadPassword()) : null, access,
                services.loginLockout(), settings.writeAuth() == WriteAuth.CONTAINER);
    }

    /** The catalogue the page may show for this request: all of it unless a view or the root hides a part. */
    static PublishedCatalog visibleCatalog(ServletRequest request, PublishedCatalog full) {
        Object visible = request.getAttribute(VISIBLE_CATALOG);
        return visible == null ? full : (PublishedCatalog) visible;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        AccessRules rules = access.rules();
        String path = WriteRouter.relativePath(request);
        if (path.startsWith(ViewPaths.BY_NAME) || path.startsWith(ViewPaths.BY_TOKEN)) {
            view(request, response, chain, rules, ViewPaths.parse(path));
            return;
        }
        boolean reading = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (!rules.limitsReading() || !reading) {
            // Writes are WriteAuthFilter's.
            chain.doFilter(request, response);
            return;
        }
        Optional<View> privateCatalog = rules.privateCatalog();
        if (privateCatalog.isPresent()) {
            Optional<Caller> reader = logins.login(request, response, WHY);
            if (reader.isEmpty()) {
                return;
            }
            if (!privateCatalog.get().mayBeReadBy(reader.get())) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        PublishedCatalog full = indexing.current();
        if (path.startsWith(STREAMS)) {
            CatalogServlet.serve(request, response, rules.rootCatalog(full), path.substring(STREAMS.length()));
        } else if (path.startsWith(IMAGES) && !rules.rootShowsPath(path)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        } else {
            request.setAttribute(VISIBLE_CATALOG, rules.rootCatalog(full));
            chain.doFilter(request, response);
        }
    }

    private void view(HttpServletRequest request, HttpServletResponse response, FilterChain chain, AccessRules rules,
            ViewPaths.Parsed parsed) throws IOException, ServletException {
        Optional<View> view;
        if (parsed.byToken()) {
            view = rules.viewForToken(parsed.key());
        } else {
            view = rules.view(parsed.key());
            if (view.isEmpty() || !view.get().open()) {
                // Asked of every name, known or not: a 401 for some names only would list the views.
                Optional<Caller> reader = logins.login(request, response, WHY);
                if (reader.isEmpty()) {
                    return;
                }
                view = view.filter(v -> v.mayBeReadBy(reader.get()));
            }
        }
        String rest = parsed.rest();
        if (view.isEmpty() || !(request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        } else if (rest.isEmpty() && !request.getRequestURI().endsWith("/")) {
            // The page's links are relative to the view's directory.
            response.sendRedirect(request.getRequestURI().substring(request.getRequestURI().lastIndexOf('/') + 1)
                    + "/");
        } else if (rest.isEmpty()) {
            PageServlet.serveView(request, response, rules.viewCatalog(view.get(), indexing.current()),
                    view.get().name(), parsed.byToken() ? parsed.key() : null);
        } else if (rest.startsWith(STREAMS)) {
            CatalogServlet.serve(request, response, rules.viewCatalog(view.get(),
                    indexing.current()), rest.substring(STREAMS.length()));
        } else if (rest.startsWith(IMAGES) && view.get().coversPath(rest)) {
            chain.doFilter(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
