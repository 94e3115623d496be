package dev.simplestreams.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as written: java.net.http and curl normalise paths and refuse
 * malformed names, which is exactly what these tests need to send.
 */
public final class RawHttp implements AutoCloseable {

    /** A final response; {@code interim} holds the status lines of 1xx responses that came before it. */
    public record Response(int status, Map<String, String> headers, String body, String interim) {

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends a whole request (head as given, CRLFs included, then the body) and reads the answer. */
    public static Response exchange(int port, String head, byte[] body) throws IOException {
        try (RawHttp http = new RawHttp(port)) {
            http.send(head.getBytes(StandardCharsets.ISO_8859_1));
            http.send(body);
            return http.read();
        }
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Response read() throws IOException {
        StringBuilder interim = new StringBuilder();
        while (true) {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            if (status >= 100 && status < 200) {
                interim.append(statusLine).append('\n');
                continue;
            }
            return new Response(status, headers, body(headers), interim.toString());
        }
    }

    /** True when the server closed the connection (within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Ends the request here, as a client that died mid-body would, and waits until the server closes the
     * connection: by then it has given up on the request and cleaned up after it.
     */
    public void hangUpAndAwaitClose() throws IOException {
        socket.shutdownOutput();
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (SocketException reset) {
            // Closed by the server as well.
        }
    }

    private String body(Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
            return body.toString(StandardCharsets.UTF_8);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            throw new IOException("connection closed before a response");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
