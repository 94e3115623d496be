package dev.simplestreams.web;

import dev.simplestreams.metrics.ServerMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Counts downloads under {@code images/} after DefaultServlet has answered. The response is not wrapped
 * (that would cost sendfile): the bytes are the length DefaultServlet declared, read back from the response.
 */
public final class DownloadCounter extends HttpFilter {

    private ServerMetrics metrics;

    @Override
    public void init() {
        metrics = Services.of(getServletContext()).metrics();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        int status = response.getStatus();
        if (request.getMethod().equals("GET") && (status == HttpServletResponse.SC_OK
                || status == HttpServletResponse.SC_PARTIAL_CONTENT)) {
            metrics.downloadAnswered(status, contentLength(response));
        }
    }

    /** Tomcat reports the declared Content-Length through getHeader; 0 when none was declared. */
    private static long contentLength(HttpServletResponse response) {
        String length = response.getHeader("Content-Length");
        try {
            return length == null ? 0 : Long.parseLong(length);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
