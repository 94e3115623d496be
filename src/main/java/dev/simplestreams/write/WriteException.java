package dev.simplestreams.write;

import dev.simplestreams.access.Refusal;
import java.io.IOException;

/**
 * A write (upload or delete) that was refused or could not be completed. The message is meant for the person
 * running curl: it says what was wrong and what to do instead; the {@link Reason} says which kind of answer it
 * gets. An {@link IOException}, as Commons FileUpload's {@code FileUploadException} is, because a refusal such
 * as a body over the size limit is noticed while the body is read, inside {@link java.io.InputStream#read}.
 */
public final class WriteException extends IOException {

    /** What went wrong, as far as the answer to the client is concerned. */
    public enum Reason {
        /** The request names a path, file kind or version the layout does not allow, or its content is unusable. */
        INVALID,
        /** The multipart body does not follow RFC 7578. */
        MALFORMED_BODY,
        /** The server's configuration forbids this write; the message names the setting that would allow it. */
        NOT_ALLOWED,
        /** Nothing exists at the path a delete names. */
        NOT_FOUND,
        /** The body is larger than MAX_UPLOAD_BYTES. */
        TOO_LARGE,
        /** The volume holding the data root filled up while a file was written; the partial file was removed. */
        STORAGE_FULL
    }

    private final Reason reason;
    private final transient Refusal refusal;

    private WriteException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, null);
    }

    private WriteException(Reason reason, String message, Throwable cause, Refusal refusal) {
        super(message, cause);
        this.reason = reason;
        this.refusal = refusal;
    }

    public static WriteException invalid(String message) {
        return new WriteException(Reason.INVALID, message, null);
    }

    public static WriteException malformedBody(String what) {
        return new WriteException(Reason.MALFORMED_BODY, what
                + "; send files with curl -F 'file=@FILE;filename=<dir>/<name>'", null);
    }

    public static WriteException notAllowed(String message) {
        return new WriteException(Reason.NOT_ALLOWED, message, null);
    }

    /** Outside the writer's scope: not allowed, with who, what and where the writer may write instead. */
    public static WriteException outOfScope(Refusal refusal) {
        return new WriteException(Reason.NOT_ALLOWED, refusal.message(), null, refusal);
    }

    public static WriteException notFound(String path) {
        return new WriteException(Reason.NOT_FOUND, "nothing to delete at " + path, null);
    }

    public static WriteException tooLarge(long permitted) {
        return new WriteException(Reason.TOO_LARGE, "the upload is larger than the " + permitted
                + " bytes this server accepts (MAX_UPLOAD_BYTES); nothing was stored", null);
    }

    public static WriteException storageFull(String path, Throwable cause) {
        return new WriteException(Reason.STORAGE_FULL, "the volume holding the image tree is full; " + path
                + " was not stored (the partial file was removed and the existing images are intact); free some "
                + "space and upload again", cause);
    }

    public Reason reason() {
        return reason;
    }

    /** Set for a write outside the writer's scope, else null. */
    public Refusal refusal() {
        return refusal;
    }
}
