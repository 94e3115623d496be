package dev.simplestreams.mirror;

import java.net.URI;

/** An upstream answered something unusable: the URL and the reason, for the log and the status document. */
public final class UpstreamException extends Exception {

    private final URI url;
    private final String reason;

    public UpstreamException(URI url, String reason) {
        super(url + ": " + reason);
        this.url = url;
        this.reason = reason;
    }

    public URI url() {
        return url;
    }

    public String reason() {
        return reason;
    }
}
