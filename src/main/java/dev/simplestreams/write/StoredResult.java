package dev.simplestreams.write;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One uploaded file as stored: where (relative to the data root, as clients see it in images.json), its
 * size and sha256. {@code requested} and {@code note} are set when it did not end up at the path asked for,
 * or was placed by its metadata.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "size", "sha256", "result", "requested", "note"})
public record StoredResult(String path, long size, String sha256, FileOutcome result, String requested,
        String note) {
}
