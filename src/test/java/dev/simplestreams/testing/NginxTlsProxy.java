package dev.simplestreams.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's nginx as a TLS 1.3 terminating reverse proxy in front of a plain-HTTP upstream, the way the server is
 * meant to be deployed, or as a static file server of a directory. Everything nginx would write (pid, logs, temp files) stays in the work dir, so it runs
 * without touching /run, /var/log or /var/lib/nginx and next to any system nginx.
 */
public final class NginxTlsProxy implements AutoCloseable {

    private static final String NGINX = "/usr/sbin/nginx";

    private final Process process;
    private final int port;
    private final Path workDir;

    private NginxTlsProxy(Process process, int port, Path workDir) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
    }

    public static NginxTlsProxy start(Path workDir, TestCa ca, int upstreamPort) {
        return start(workDir, ca, proxyTo(upstreamPort));
    }

    /**
     * On HTTPS's own port 443, so that remotes name no port and the clients' first, plain-HTTP attempt at each
     * image file goes to port 80, as it does in production.
     */
    public static NginxTlsProxy startOnPort443(Path workDir, TestCa ca, int upstreamPort) {
        try {
            Files.createDirectories(workDir.resolve("temp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir, e);
        }
        return startOn(workDir, ca, proxyTo(upstreamPort), 443);
    }

    /**
     * nginx serving a directory as static files over TLS (Range, ETag, Last-Modified as nginx does them): a
     * simplestreams remote that is a plain file tree, as many are.
     */
    public static NginxTlsProxy serveDirectory(Path workDir, TestCa ca, Path root) {
        return start(workDir, ca, "root " + root.toAbsolutePath() + ";\n");
    }

    private static NginxTlsProxy start(Path workDir, TestCa ca, String location) {
        try {
            Files.createDirectories(workDir.resolve("temp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir, e);
        }
        // The free port is only reserved until we close the probe socket, so another process may take it first.
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                return startOn(workDir, ca, location, port);
            } catch (IllegalStateException e) {
                last = e;
                if (!Cli.tail(workDir.resolve("error.log"), 2000).contains("Address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static NginxTlsProxy startOn(Path workDir, TestCa ca, String location, int port) {
        Path conf = workDir.resolve("nginx.conf");
        Path errorLog = workDir.resolve("error.log");
        try {
            Files.deleteIfExists(errorLog);
            Files.writeString(conf, config(workDir, ca, location, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + conf, e);
        }
        Path out = workDir.resolve("nginx.out");
        // -e: nginx opens its compiled-in error log before reading the config; point it at the work dir too.
        Process p = Cli.create().start(out, NGINX, "-p", workDir.toString(), "-c", conf.toString(),
                "-e", errorLog.toString(), "-g", "daemon off;");
        NginxTlsProxy proxy = new NginxTlsProxy(p, port, workDir);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("nginx exited with " + p.exitValue() + " before listening on " + port
                        + "\n" + proxy.diagnostics());
            }
            if (accepts(port)) {
                return proxy;
            }
            sleep(50);
        }
        proxy.close();
        throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 15 s\n"
                + proxy.diagnostics());
    }

    private static String proxyTo(int upstreamPort) {
        return """
                proxy_pass http://127.0.0.1:%d;
                # HTTP/1.1 is needed to stream chunked request bodies with request buffering off.
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $http_host;
                proxy_set_header X-Forwarded-Proto https;
                proxy_set_header X-Forwarded-Host $host:$server_port;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_request_buffering off;
                proxy_buffering off;
                proxy_connect_timeout 10s;
                proxy_read_timeout 3600s;
                proxy_send_timeout 3600s;
                """.formatted(upstreamPort);
    }

    private static String config(Path workDir, TestCa ca, String location, int port) {
        String w = workDir.toString();
        return """
                # Written by NginxTlsProxy for one test run.
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                # Workers would otherwise run as nobody and could not enter a 0700 JUnit temp dir.
                user root root;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/temp/body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        server_name _;
                        ssl_certificate %3$s;
                        ssl_certificate_key %4$s;
                        ssl_protocols TLSv1.3;
                        # Uploads are images: any size, streamed to the upstream as they arrive.
                        client_max_body_size 0;
                        client_body_timeout 3600s;
                        send_timeout 3600s;
                        location / {
                %5$s
                        }
                    }
                }
                """.formatted(w, port, ca.serverCert(), ca.serverKey(), location);
    }

    public int port() {
        return port;
    }

    public String httpsUrl() {
        return "https://127.0.0.1:" + port;
    }

    public Path accessLog() {
        return workDir.resolve("access.log");
    }

    public Path errorLog() {
        return workDir.resolve("error.log");
    }

    /** Stops nginx by its PID (SIGTERM is nginx's fast shutdown) and waits for master and workers to exit. */
    @Override
    public void close() {
        Cli.stop(process.toHandle(), Duration.ofSeconds(10));
    }

    private String diagnostics() {
        return "--- " + errorLog() + " ---\n" + Cli.tail(errorLog(), 3000)
                + "\n--- nginx stdout/stderr ---\n" + Cli.tail(workDir.resolve("nginx.out"), 2000);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
