package dev.simplestreams.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY as curl reads them. */
class UpstreamProxiesTest {

    private static final ProxySelector SELECTOR = UpstreamClient.proxies(Map.of(
            "HTTPS_PROXY", "http://proxy.example:3128",
            "http_proxy", "plain.example:8080",
            "NO_PROXY", "internal.example, .corp.example")::get);

    private static String route(String url) {
        List<Proxy> proxies = SELECTOR.select(URI.create(url));
        return proxies.get(0).type() == Proxy.Type.DIRECT ? "direct"
                : ((InetSocketAddress) proxies.get(0).address()).getHostString() + ":"
                        + ((InetSocketAddress) proxies.get(0).address()).getPort();
    }

    @Test
    void routesBySchemeAndExceptions() {
        assertEquals("proxy.example:3128", route("https://images.linuxcontainers.org/streams/v1/index.json"));
        assertEquals("plain.example:8080", route("http://images.example/streams/v1/index.json"));
        assertEquals("direct", route("https://internal.example/"));
        assertEquals("direct", route("https://images.internal.example/"), "a suffix covers subdomains");
        assertEquals("direct", route("https://a.corp.example/"), "a leading dot is the same suffix");
        assertEquals("direct", route("https://127.0.0.1:8443/"), "loopback never goes through a proxy");
        assertEquals("proxy.example:3128", route("https://notinternal.example/"), "whole labels only");
    }

    @Test
    void withoutVariablesTheJvmDecides() {
        assertEquals(ProxySelector.getDefault(), UpstreamClient.proxies(name -> null));
    }

    @Test
    void aProxyWithoutHostIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> UpstreamClient.proxies(Map.of("HTTPS_PROXY", "http://:3128")::get));
    }
}
