package dev.simplestreams.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One line of the trail. {@code time} is set by the trail when it records the entry (ISO-8601, UTC), so the lines
 * of one trail are in time order. Never holds a password or a token: {@code who} is a user name,
 * {@code mirror:<remote>} or {@code retention}.
 *
 * @param action       upload, delete, mirror-install or prune
 * @param who          the authenticated user (null when writes are not authenticated here), or the background job
 * @param address      the client's address as the server sees it behind the proxy; null for background work
 * @param path         the file or version directory, relative to the data root
 * @param requested    the path an upload asked for, when it was stored elsewhere (aside, or placed by its metadata)
 * @param size         bytes, where known
 * @param sha256       of the file, where known
 * @param fingerprints of the image the file belongs to, where known
 * @param status       the HTTP status the writer was answered; null for background work
 * @param result       created, replaced, unchanged, stored_aside, deleted, refused or aborted
 * @param reason       why a write was refused or what a background change was for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time", "action", "who", "address", "path", "requested", "size", "sha256", "fingerprints",
        "status", "result", "reason"})
public record AuditEntry(String time, String action, String who, String address, String path, String requested,
        Long size, String sha256, List<String> fingerprints, Integer status, String result, String reason) {

    /** A change made by a background job: no address, no status. */
    public static AuditEntry background(String action, String who, String path, Long size, String sha256,
            List<String> fingerprints, String result, String reason) {
        return new AuditEntry(null, action, who, null, path, null, size, sha256, fingerprints, null, result, reason);
    }

    AuditEntry at(String when) {
        return new AuditEntry(when, action, who, address, path, requested, size, sha256, fingerprints, status,
                result, reason);
    }
}
