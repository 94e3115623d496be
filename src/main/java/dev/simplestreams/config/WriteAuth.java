package dev.simplestreams.config;

import java.util.Locale;

/** How uploads and deletes are authenticated (WRITE_AUTH). Reads are always anonymous. */
public enum WriteAuth {
    /** HTTP Basic against UPLOAD_USER / UPLOAD_PASSWORD, checked by the application itself: works in any Tomcat. */
    BASIC,
    /** The container's realm (tomcat-users.xml, LDAP, a database) and the role {@code simplestreams-uploader}. */
    CONTAINER,
    /** No check here: a proxy in front authenticates writers. */
    OFF;

    static WriteAuth parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("WRITE_AUTH='" + value + "' is not one of basic, container, off");
        }
    }
}
