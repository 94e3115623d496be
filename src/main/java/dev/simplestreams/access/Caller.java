package dev.simplestreams.access;

import java.util.function.Predicate;

/**
 * An authenticated user. Roles are a question, not a list: a container realm (LDAP, JDBC) can only be asked
 * whether a user holds a given role.
 */
public record Caller(String name, Predicate<String> roles) {

    public boolean isInRole(String role) {
        return roles.test(role);
    }
}
