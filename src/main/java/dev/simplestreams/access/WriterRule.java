package dev.simplestreams.access;

import java.util.List;
import java.util.Set;

/**
 * One entry of the access file's {@code writers}: these users and roles may do these operations under these
 * prefixes.
 */
record WriterRule(Set<String> users, Set<String> roles, Set<Operation> operations, List<String> prefixes) {

    boolean appliesTo(Caller caller) {
        return users.contains(caller.name()) || roles.stream().anyMatch(caller::isInRole);
    }
}
