package dev.simplestreams.web;

import dev.simplestreams.metrics.ServerMetrics;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** {@code /metrics} in the Prometheus text format; 404 with METRICS=off. Never needs credentials. */
public final class MetricsServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!Services.of(getServletContext()).settings().metrics()) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "metrics are switched off (METRICS=off)");
            return;
        }
        ServerMetrics metrics = Services.of(getServletContext()).metrics();
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        metrics.writeTo(body);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(metrics.contentType());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.size());
        body.writeTo(response.getOutputStream());
    }
}
