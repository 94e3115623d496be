package dev.simplestreams.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Sits on {@code /images/*} and sends each method where it belongs. Downloads go straight on to Tomcat's
 * DefaultServlet untouched (a wrapped or forwarded response loses sendfile); uploads and deletes go to
 * their servlets by name, so those have no URL of their own that could bypass this routing.
 */
public final class WriteRouter extends HttpFilter {

    static final String UPLOAD_SERVLET = "upload";
    static final String DELETE_SERVLET = "delete";
    private static final String ALLOWED = "GET, HEAD, POST, PUT, DELETE";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        switch (request.getMethod()) {
            case "GET", "HEAD" -> chain.doFilter(request, response);
            case "POST", "PUT" -> getServletContext().getNamedDispatcher(UPLOAD_SERVLET).forward(request, response);
            case "DELETE" -> getServletContext().getNamedDispatcher(DELETE_SERVLET).forward(request, response);
            default -> {
                response.setHeader("Allow", ALLOWED);
                JsonResponses.error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, request.getMethod()
                        + " is not supported under images/; use GET or HEAD to download, POST (multipart) or PUT to "
                        + "upload, DELETE to remove");
            }
        }
    }

    /** The request's path below the context, as the container decoded and normalised it, without the first '/'. */
    static String relativePath(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
