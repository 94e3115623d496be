package dev.simplestreams.write;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an upload did to the file at its path. */
public enum FileOutcome {
    @JsonProperty("created") CREATED,
    @JsonProperty("replaced") REPLACED,
    /** The same bytes were there already: uploading twice is harmless. */
    @JsonProperty("unchanged") UNCHANGED,
    /** Different bytes were there and overwrites are off: kept under another name, not published. */
    @JsonProperty("stored_aside") STORED_ASIDE
}
