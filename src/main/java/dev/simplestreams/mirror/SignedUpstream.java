package dev.simplestreams.mirror;

import dev.simplestreams.catalog.CatalogJson;
import dev.simplestreams.signing.Keyring;
import dev.simplestreams.signing.SignatureException;
import java.net.URI;

/**
 * How a remote with a keyring is read: from {@code streams/v1/index.sjson} and the signed products documents it
 * names (a {@code .json} name is read as its {@code .sjson} form), each verified against the keyring before
 * anything it lists is used, and only the text the signature covers is used. A remote without a keyring is read
 * from its {@code .json} documents as before.
 */
final class SignedUpstream {

    private SignedUpstream() {
    }

    static URI indexUrl(MirrorConfig.Remote remote) {
        return remote.url().resolve(remote.keyring() == null ? UpstreamCatalog.INDEX : UpstreamCatalog.SIGNED_INDEX);
    }

    /** Where the products document the index names is read from. */
    static URI documentUrl(MirrorConfig.Remote remote, URI named) {
        if (remote.keyring() == null || named.getPath().endsWith(".sjson")) {
            return named;
        }
        return named.resolve(CatalogJson.signedPath(named.getPath().substring(named.getPath().lastIndexOf('/') + 1)));
    }

    /**
     * The document as the mirror may use it: with a keyring, the verified text (an unchanged answer, whose body
     * is null, was verified when it was fetched); without, as fetched.
     */
    static UpstreamClient.Document verified(Keyring keyring, URI url, UpstreamClient.Document fetched)
            throws UpstreamException {
        if (keyring == null || fetched.body() == null) {
            return fetched;
        }
        try {
            return new UpstreamClient.Document(keyring.verify(fetched.body()), fetched.etag(), fetched.lastModified());
        } catch (SignatureException e) {
            throw new UpstreamException(url, e.getMessage() + "; nothing it lists is mirrored");
        }
    }

    /** A signed document that could not be fetched: says why a keyring makes the .json forms no substitute. */
    static UpstreamException unavailable(MirrorConfig.Remote remote, UpstreamException e) {
        return remote.keyring() == null ? e : new UpstreamException(e.url(), e.reason() + "; a remote with a "
                + "keyring is read from its signed documents (.sjson) only");
    }
}
