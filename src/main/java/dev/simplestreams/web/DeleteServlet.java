package dev.simplestreams.web;

import dev.simplestreams.write.DeleteReport;
import dev.simplestreams.write.DeleteService;
import dev.simplestreams.write.WriteException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * DELETE of one version directory or one file in it. Reached only through {@link WriteRouter} and
 * {@link WriteAuthFilter}.
 */
public final class DeleteServlet extends HttpServlet {

    private DeleteService deletes;

    @Override
    public void init() {
        deletes = Services.of(getServletContext()).deletes();
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = WriteRouter.relativePath(request);
        // "images/.../20261125_14:05/" names the directory as much as "images/.../20261125_14:05" does.
        String target = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        try {
            DeleteReport report = deletes.delete(target, WriteAuthFilter.scope(request));
            request.setAttribute(AuditFilter.REPORT, report);
            JsonResponses.write(response, HttpServletResponse.SC_OK, report);
        } catch (WriteException e) {
            WriteFailures.answer(response, e, null);
        }
    }
}
