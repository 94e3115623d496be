package dev.simplestreams.web;

import dev.simplestreams.mirror.MirrorService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /mirror/sync}: starts a sync of every remote now (behind the write-auth filter, like uploads).
 * It answers at once with 202; progress and problems are in {@code /status}.
 */
public final class MirrorServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        MirrorService mirror = Services.of(getServletContext()).mirror();
        if (mirror == null) {
            JsonResponses.error(response, HttpServletResponse.SC_NOT_FOUND, "mirroring is not configured; set "
                    + "MIRROR_CONFIG to a file naming the remotes (see the README, Mirroring)");
            return;
        }
        if (!mirror.requestSync()) {
            JsonResponses.error(response, HttpServletResponse.SC_CONFLICT, "this replica does not lead, so it does "
                    + "not mirror; send the request to the leader (see /status)");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "sync requested");
        body.put("progress", "/status");
        JsonResponses.write(response, HttpServletResponse.SC_ACCEPTED, body);
    }
}
