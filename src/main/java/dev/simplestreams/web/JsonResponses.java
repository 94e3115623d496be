package dev.simplestreams.web;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.simplestreams.catalog.JsonMappers;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every answer the server writes itself is JSON; errors say what was wrong and how to fix it. */
final class JsonResponses {

    private static final ObjectWriter JSON = JsonMappers.JSON.writerWithDefaultPrettyPrinter();

    private JsonResponses() {
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        write(response, status, body);
    }

    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        // The trailing newline keeps curl's output off the shell prompt.
        byte[] bytes = (JSON.writeValueAsString(body) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
