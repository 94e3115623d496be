package dev.simplestreams.access;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where one caller may write, by operation: the access file's writer rules that name the caller or one of its
 * roles, the role {@value #UPLOADER_ROLE} (everything), and roles named for a scope such as
 * {@code simplestreams-create:images/team-a/}, which a realm (LDAP group, database role) can grant. A prefix
 * covers the paths that start with it; prefixes always end with '/', so team-a's never covers team-ab's.
 */
public final class WriteScope {

    /** The role of a writer of everything: the single UPLOAD_USER, and realm users as before scopes existed. */
    public static final String UPLOADER_ROLE = "simplestreams-uploader";
    static final String EVERYTHING = "images/";
    private static final String ROLE_PREFIX = "simplestreams-";

    private final Caller caller;
    private final Map<Operation, List<String>> prefixes;

    private WriteScope(Caller caller, Map<Operation, List<String>> prefixes) {
        this.caller = caller;
        this.prefixes = prefixes;
    }

    /** No one is identified (WRITE_AUTH=off: the proxy in front decides), so nothing is limited here. */
    public static WriteScope unrestricted() {
        return new WriteScope(null, Map.of());
    }

    static WriteScope of(Caller caller, List<WriterRule> rules) {
        Map<Operation, List<String>> prefixes = new EnumMap<>(Operation.class);
        boolean uploader = caller.isInRole(UPLOADER_ROLE);
        for (Operation operation : Operation.values()) {
            List<String> granted = new ArrayList<>();
            if (uploader) {
                granted.add(EVERYTHING);
            }
            for (WriterRule rule : rules) {
                if (rule.operations().contains(operation) && rule.appliesTo(caller)) {
                    rule.prefixes().stream().filter(p -> !granted.contains(p)).forEach(granted::add);
                }
            }
            // Roles a realm lists by name are named here too, so that a refusal tells every place allowed.
            String scopeRole = scopeRole(operation, "");
            caller.listed().stream().sorted()
                    .filter(role -> role.startsWith(scopeRole + EVERYTHING) && role.endsWith("/"))
                    .map(role -> role.substring(scopeRole.length())).filter(p -> !granted.contains(p))
                    .forEach(granted::add);
            prefixes.put(operation, List.copyOf(granted));
        }
        return new WriteScope(caller, prefixes);
    }

    /** The role that grants {@code operation} under {@code prefix} in a realm. */
    public static String scopeRole(Operation operation, String prefix) {
        return ROLE_PREFIX + operation.word() + ":" + prefix;
    }

    /** {@code path} is relative to the data root: a file, or a directory with or without its final '/'. */
    public boolean allows(Operation operation, String path) {
        if (caller == null) {
            return true;
        }
        String target = asDirectory(path);
        return prefixes.get(operation).stream().anyMatch(target::startsWith) || grantedByRole(operation, target);
    }

    /**
     * Whether any of {@code operations} is granted anywhere at or below {@code directory}: all that can be
     * decided from a URL before the body names the files, so that a writer with no business there is refused
     * without sending it.
     */
    public boolean mayWriteWithin(String directory, Set<Operation> operations) {
        if (caller == null) {
            return true;
        }
        String target = asDirectory(directory);
        for (Operation operation : operations) {
            if (prefixes.get(operation).stream().anyMatch(p -> target.startsWith(p) || p.startsWith(target))
                    || grantedByRole(operation, target)) {
                return true;
            }
        }
        return false;
    }

    /** Empty when {@code operation} on {@code path} is allowed. */
    public Optional<Refusal> check(Operation operation, String path) {
        return allows(operation, path) ? Optional.empty() : Optional.of(refusal(operation.word(), path));
    }

    public Refusal refusal(String operation, String path) {
        Map<String, List<String>> mayWrite = new LinkedHashMap<>();
        prefixes.forEach((op, granted) -> mayWrite.put(op.word(), granted));
        return new Refusal(caller == null ? null : caller.name(), operation, path, mayWrite);
    }

    /** A realm cannot list a user's roles, only answer for one: so each directory above the target is asked. */
    private boolean grantedByRole(Operation operation, String target) {
        for (int slash = target.indexOf('/'); slash >= 0; slash = target.indexOf('/', slash + 1)) {
            if (caller.isInRole(scopeRole(operation, target.substring(0, slash + 1)))) {
                return true;
            }
        }
        return false;
    }

    private static String asDirectory(String path) {
        return path.endsWith("/") ? path : path + "/";
    }
}
