package dev.simplestreams.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers errors raised outside our own servlets (DefaultServlet's 404, container failures) in the same
 * JSON form as ours, without internals: an exception is logged, never shown.
 */
public final class ErrorServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ErrorServlet.class.getName());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : HttpServletResponse.SC_NOT_FOUND;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (failure instanceof Throwable t) {
            LOG.log(Disconnects.clientWentAway(t) ? Level.FINE : Level.SEVERE,
                    "request " + request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) + " failed", t);
        }
        JsonResponses.error(response, status, switch (status) {
            case 401 -> "authentication required: send valid credentials with HTTP Basic (curl -u USER:PASSWORD)";
            case 404 -> "not found";
            case 405 -> "method not allowed here";
            case 416 -> "the requested range is not satisfiable";
            default -> status >= 500 ? "internal error; the server log has the details" : "request refused";
        });
    }
}
