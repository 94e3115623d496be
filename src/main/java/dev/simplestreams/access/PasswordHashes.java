package dev.simplestreams.access;

import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import org.apache.catalina.realm.SecretKeyCredentialHandler;

/**
 * Salted PBKDF2 password hashes in the form Tomcat's {@code SecretKeyCredentialHandler} writes ({@code
 * salt$iterations$key}, hexadecimal), so that Tomcat's own {@code digest.sh} makes them. Checking one is
 * Tomcat's, in constant time.
 */
public final class PasswordHashes {

    public static final String ALGORITHM = "PBKDF2WithHmacSHA512";
    public static final int KEY_BITS = 512;
    /** OWASP's figure for PBKDF2-HMAC-SHA512; a hash states its own count, so older hashes keep working. */
    public static final int ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    /** Fewer rounds than this make a stolen file cheap to crack; refused rather than silently accepted. */
    private static final int MINIMUM_ITERATIONS = 1_000;
    private static final Pattern SHAPE = Pattern.compile("([0-9a-f]{16,})\\$([0-9]{1,9})\\$([0-9a-f]{32,})");
    public static final String HOW_TO_MAKE = "make one with Tomcat's bin/digest.sh -a " + ALGORITHM + " -i "
            + ITERATIONS + " -s " + SALT_BYTES + " -k " + KEY_BITS
            + " -h org.apache.catalina.realm.SecretKeyCredentialHandler PASSWORD (the part after the last ':')";

    private static final SecretKeyCredentialHandler HANDLER = handler();

    private PasswordHashes() {
    }

    public static String hash(String password) {
        return HANDLER.mutate(password);
    }

    static boolean matches(String password, String hash) {
        return HANDLER.matches(password, hash);
    }

    /** Says what is wrong with a stored value before it is ever compared. */
    static void check(String what, String hash) throws AccessFileException {
        var shape = SHAPE.matcher(hash);
        if (!shape.matches()) {
            throw new AccessFileException(what + " is not a salted PBKDF2 hash (salt$iterations$key, in hexadecimal)"
                    + "; the file holds hashes only, never passwords: " + HOW_TO_MAKE);
        }
        if (Integer.parseInt(shape.group(2)) < MINIMUM_ITERATIONS) {
            throw new AccessFileException(what + " has fewer than " + MINIMUM_ITERATIONS + " iterations; "
                    + HOW_TO_MAKE);
        }
    }

    private static SecretKeyCredentialHandler handler() {
        try {
            SecretKeyCredentialHandler handler = new SecretKeyCredentialHandler();
            handler.setAlgorithm(ALGORITHM);
            handler.setKeyLength(KEY_BITS);
            handler.setIterations(ITERATIONS);
            handler.setSaltLength(SALT_BYTES);
            return handler;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no " + ALGORITHM, e);
        }
    }
}
