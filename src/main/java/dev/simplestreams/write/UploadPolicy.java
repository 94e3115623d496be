package dev.simplestreams.write;

import java.time.Duration;

/**
 * What uploaders may do. {@code allowOverwrites}: an upload replaces a different existing file (otherwise it
 * is stored aside, and deleted after {@code conflictRetention}). {@code allowDeletes}: HTTP DELETE works.
 * {@code maxUploadBytes}: the largest body accepted.
 */
public record UploadPolicy(boolean allowOverwrites, boolean allowDeletes, Duration conflictRetention,
        long maxUploadBytes) {

    /**
     * Why an upload to {@code requested} was kept as {@code keptAs}, and only the ways out this server's
     * settings leave. {@code placement}: how the directory was chosen when the uploader named none, else null.
     */
    String storedAsideNote(String requested, String keptAs, String placement) {
        StringBuilder note = new StringBuilder(requested).append(" already holds different bytes and "
                + "ALLOW_OVERWRITES is off, so this upload was kept as ").append(keptAs)
                .append(", which is not published and is deleted after ").append(conflictRetention.toDays())
                .append(" days");
        if (placement != null) {
            note.append("; no directory was named for it (").append(placement).append("): without one, the "
                    + "version is the creation_date in the metadata tarball's metadata.yaml, so a metadata tarball "
                    + "used again leads to the same version; name a new version directory in the file name, or "
                    + "build the metadata tarball anew");
        }
        note.append("; to publish it, upload it to a new version directory");
        if (allowDeletes) {
            note.append(", or delete the old file (curl -X DELETE .../").append(requested)
                    .append(") and upload again; delete this copy the same way");
        } else {
            note.append(", or ask the server's operator to set ALLOW_OVERWRITES or ALLOW_DELETES");
        }
        return note.toString();
    }
}
