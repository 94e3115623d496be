package dev.simplestreams.web;

import dev.simplestreams.catalog.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/** A user name and password as HTTP Basic sends them (RFC 7617), compared in constant time. */
record BasicCredentials(String user, String password) {

    private static final String SCHEME = "basic ";

    static Optional<BasicCredentials> parse(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(SCHEME.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty()
                : Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    /**
     * Hashing both sides first makes the comparison take the same time whatever the lengths and wherever the
     * strings differ, and both fields are always compared, so timing tells nothing about either.
     */
    boolean sameAs(BasicCredentials other) {
        return equal(user, other.user) & equal(password, other.password);
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(digest(a), digest(b));
    }

    private static byte[] digest(String value) {
        MessageDigest digest = Sha256.newDigest();
        return digest.digest(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + "]";
    }
}
