package dev.simplestreams.page;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The address clients use for this server, as the viewer reached it: the scheme and host a TLS proxy
 * reports in {@code X-Forwarded-Proto} / {@code X-Forwarded-Host}, else the request's own. A value that
 * is not a plain scheme or host name is ignored rather than copied into commands people paste into a shell.
 */
public record PublicUrl(String scheme, String host) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    public PublicUrl {
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme must be http or https: " + scheme);
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a host name: " + host);
        }
    }

    /**
     * @param forwardedProto the X-Forwarded-Proto header or null; a list's first entry is the client's
     * @param forwardedHost  the X-Forwarded-Host header or null
     * @param scheme         the request's scheme
     * @param hostHeader     the request's Host header (name and optional port), or null
     * @param serverName     the request's server name and port, used without a usable Host header
     */
    public static PublicUrl of(String forwardedProto, String forwardedHost, String scheme, String hostHeader,
            String serverName, int serverPort) {
        String proto = first(forwardedProto);
        String effectiveScheme = proto != null && (proto.equals("http") || proto.equals("https")) ? proto
                : scheme.toLowerCase(Locale.ROOT);
        String host = first(forwardedHost);
        if (host == null || !HOST.matcher(host).matches()) {
            host = hostHeader == null ? null : hostHeader.trim();
        }
        if (host == null || !HOST.matcher(host).matches()) {
            host = serverName + ":" + serverPort;
        }
        if (!HOST.matcher(host).matches()) {
            // an HTTP/1.0 request without Host to a bare IPv6 address: any name beats a failing page
            host = "localhost:" + serverPort;
        }
        return new PublicUrl(effectiveScheme, withoutDefaultPort(effectiveScheme, host));
    }

    /** A configured address, {@code https://host[:port]} with at most a trailing slash. */
    public static PublicUrl parse(String url) {
        int separator = url.indexOf("://");
        String host = separator < 0 ? "" : url.substring(separator + 3);
        host = host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
        try {
            String scheme = url.substring(0, Math.max(0, separator)).toLowerCase(Locale.ROOT);
            return new PublicUrl(scheme, withoutDefaultPort(scheme, host));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not an address like https://images.example.com or "
                    + "https://127.0.0.1:8443 (" + e.getMessage() + ")", e);
        }
    }

    /** {@code https://host[:port]}, without a trailing slash, as {@code lxc remote add} takes it. */
    public String base() {
        return scheme + "://" + host;
    }

    /** A remote name to suggest: the host's first label if it is a word, else {@code myimages}. */
    public String remoteName() {
        String label = host.split("[.:]", 2)[0].toLowerCase(Locale.ROOT);
        return label.matches("[a-z][a-z0-9-]{0,30}") && !label.equals("localhost") ? label : "myimages";
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        String value = header.split(",", 2)[0].trim();
        return value.isEmpty() ? null : value.toLowerCase(Locale.ROOT);
    }

    private static String withoutDefaultPort(String scheme, String host) {
        String defaultPort = scheme.equals("https") ? ":443" : ":80";
        return host.endsWith(defaultPort) ? host.substring(0, host.length() - defaultPort.length()) : host;
    }
}
