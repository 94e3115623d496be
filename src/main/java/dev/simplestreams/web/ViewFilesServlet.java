package dev.simplestreams.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.servlets.DefaultServlet;

/**
 * Serves a view's image files ({@code /v/<name>/images/...}, {@code /t/<token>/images/...}) from the same tree
 * as {@code /images/...}, once {@link ReadAccessFilter} has let them through. Tomcat's DefaultServlet, told
 * the path below the view: the request is not wrapped or forwarded, so Range, ETag and sendfile work as at
 * the root.
 */
public final class ViewFilesServlet extends DefaultServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected String getRelativePath(HttpServletRequest request, boolean allowEmptyPath) {
        return "/" + ViewPaths.rest(WriteRouter.relativePath(request));
    }
}
