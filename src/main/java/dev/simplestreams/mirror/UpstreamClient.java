package dev.simplestreams.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP(S) to upstream remotes with the JDK's client: the JVM's trust store plus an optional extra CA file,
 * proxies from the JVM settings ({@code -Dhttps.proxyHost}, ...) or else the conventional
 * {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY} variables.
 */
public final class UpstreamClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** Catalogue documents are small; a stalled one is retried on the next sync. */
    private static final Duration JSON_TIMEOUT = Duration.ofMinutes(2);
    private static final String USER_AGENT = "simplestreams-server-mirror";

    private final HttpClient http;

    /** A catalogue document: {@code body} is null when the upstream said it is unchanged (304). */
    public record Document(byte[] body, String etag, String lastModified) {
    }

    public UpstreamClient(Path caFile, UnaryOperator<String> environment) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(proxies(environment));
        if (caFile != null) {
            builder.sslContext(withExtraCa(caFile));
        }
        this.http = builder.build();
    }

    /** GETs a catalogue document, conditionally when the previous answer's validators are given. */
    public Document document(URI url, Document previous) throws UpstreamException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(JSON_TIMEOUT)
                .header("User-Agent", USER_AGENT).header("Accept", "application/json");
        if (previous != null && previous.etag() != null) {
            request.header("If-None-Match", previous.etag());
        } else if (previous != null && previous.lastModified() != null) {
            request.header("If-Modified-Since", previous.lastModified());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UpstreamException(url, "request failed: " + describe(e));
        }
        if (response.statusCode() == 304 && previous != null) {
            return new Document(null, previous.etag(), previous.lastModified());
        }
        if (response.statusCode() != 200) {
            throw new UpstreamException(url, "answered HTTP " + response.statusCode() + " instead of 200");
        }
        return new Document(response.body(), response.headers().firstValue("ETag").orElse(null),
                response.headers().firstValue("Last-Modified").orElse(null));
    }

    /**
     * Opens a file from byte {@code from} on. The answer must be 200 from the start or a 206 that continues at
     * {@code from}; anything else is refused rather than appended in the wrong place.
     */
    public InputStream open(URI url, long from) throws UpstreamException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).header("User-Agent", USER_AGENT);
        if (from > 0) {
            request.header("Range", "bytes=" + from + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UpstreamException(url, "request failed: " + describe(e));
        }
        int status = response.statusCode();
        boolean continues = from == 0 ? status == 200 : status == 206 && response.headers()
                .firstValue("Content-Range").map(r -> r.startsWith("bytes " + from + "-")).orElse(false);
        if (!continues) {
            close(response.body());
            throw new UpstreamException(url, from == 0 ? "answered HTTP " + status + " instead of 200"
                    : "cannot resume at byte " + from + " (HTTP " + status + ", Content-Range "
                            + response.headers().firstValue("Content-Range").orElse("missing") + ")");
        }
        return response.body();
    }

    static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Only the connection is lost; the request has already failed.
        }
    }

    /**
     * The JVM's proxy properties win; the environment's variables are what curl and most tools honour. Loopback
     * is always reached directly, as the JVM's own default {@code http.nonProxyHosts} does.
     */
    static ProxySelector proxies(UnaryOperator<String> environment) {
        if (System.getProperty("https.proxyHost") != null || System.getProperty("http.proxyHost") != null) {
            return ProxySelector.getDefault();
        }
        Optional<InetSocketAddress> https = proxyAddress(first(environment, "HTTPS_PROXY", "https_proxy"));
        Optional<InetSocketAddress> plain = proxyAddress(first(environment, "HTTP_PROXY", "http_proxy"));
        if (https.isEmpty() && plain.isEmpty()) {
            return ProxySelector.getDefault();
        }
        List<String> noProxy = new ArrayList<>();
        String list = first(environment, "NO_PROXY", "no_proxy");
        if (list != null) {
            for (String entry : list.split(",")) {
                String host = entry.trim().toLowerCase(Locale.ROOT);
                if (!host.isEmpty()) {
                    noProxy.add(host.startsWith(".") ? host.substring(1) : host);
                }
            }
        }
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
                boolean direct = isLoopback(host) || noProxy.stream().anyMatch(n -> n.equals("*") || host.equals(n)
                        || host.endsWith("." + n));
                Optional<InetSocketAddress> proxy = "https".equals(uri.getScheme()) ? https : plain;
                return direct || proxy.isEmpty() ? List.of(Proxy.NO_PROXY)
                        : List.of(new Proxy(Proxy.Type.HTTP, proxy.get()));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // The request fails and is reported with its URL; nothing to remember here.
            }
        };
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static String first(UnaryOperator<String> environment, String... names) {
        for (String name : names) {
            String value = environment.apply(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private static Optional<InetSocketAddress> proxyAddress(String value) {
        if (value == null) {
            return Optional.empty();
        }
        URI uri = URI.create(value.contains("://") ? value : "http://" + value);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("proxy '" + value + "' names no host; use http://HOST:PORT");
        }
        return Optional.of(InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()));
    }

    /** Trusts what the JVM trusts, and the certificates of {@code caFile} besides. */
    private static SSLContext withExtraCa(Path caFile) throws IOException {
        try {
            X509TrustManager jvm = trustManager(null);
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            int n = 0;
            try (var in = Files.newInputStream(caFile)) {
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    extra.setCertificateEntry("extra-" + n++, cert);
                }
            }
            if (n == 0) {
                throw new IOException(caFile + " holds no PEM certificate");
            }
            X509TrustManager own = trustManager(extra);
            X509TrustManager both = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    jvm.checkClientTrusted(chain, authType);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    try {
                        jvm.checkServerTrusted(chain, authType);
                    } catch (CertificateException e) {
                        own.checkServerTrusted(chain, authType);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    List<X509Certificate> all = new ArrayList<>(List.of(jvm.getAcceptedIssuers()));
                    all.addAll(List.of(own.getAcceptedIssuers()));
                    return all.toArray(X509Certificate[]::new);
                }
            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {both}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
