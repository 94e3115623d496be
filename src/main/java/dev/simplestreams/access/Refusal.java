package dev.simplestreams.access;

import java.util.List;
import java.util.Map;

/**
 * A write outside the caller's scope: who, what, where, and every prefix they may write, so the answer tells
 * them where they can write instead. {@code operation} is an {@link Operation}'s word, or {@code upload}
 * when the request was refused before its files (and so whether each creates or overwrites) were known.
 */
public record Refusal(String user, String operation, String path, Map<String, List<String>> mayWrite) {

    public String message() {
        StringBuilder message = new StringBuilder("user '").append(user).append("' may not ").append(operation)
                .append(' ').append(path).append(": ");
        boolean any = false;
        for (Map.Entry<String, List<String>> entry : mayWrite.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                message.append(any ? "; " : "it may ").append(entry.getKey()).append(" under ")
                        .append(String.join(", ", entry.getValue()));
                any = true;
            }
        }
        if (!any) {
            message.append("it may write nowhere");
        }
        return message.append(" (writers are granted by the access file's writers, or by the role ")
                .append(WriteScope.UPLOADER_ROLE).append(" for everything, or by roles such as ")
                .append(WriteScope.scopeRole(Operation.CREATE, "images/team-a/")).append(")").toString();
    }
}
