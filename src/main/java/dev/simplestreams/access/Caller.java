package dev.simplestreams.access;

import java.util.Set;
import java.util.function.Predicate;

/**
 * An authenticated user. Roles are a question: a container realm (LDAP, JDBC) can be asked whether a user holds
 * a given role. {@code listed} are the roles known by name (the access file's, or those the realm's principal
 * lists), so that a refusal can tell the user every place it may write.
 */
public record Caller(String name, Predicate<String> roles, Set<String> listed) {

    /** A caller whose roles can only be asked for. */
    public Caller(String name, Predicate<String> roles) {
        this(name, roles, Set.of());
    }

    public Caller {
        listed = Set.copyOf(listed);
    }

    public boolean isInRole(String role) {
        return roles.test(role);
    }
}
