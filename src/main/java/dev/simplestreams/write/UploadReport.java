package dev.simplestreams.write;

import java.util.List;

/** The answer to an upload: every file stored, and the state of every version directory it touched. */
public record UploadReport(List<StoredResult> files, List<VersionState> versions) {

    public boolean anyCreated() {
        return files.stream().anyMatch(f -> f.result() == FileOutcome.CREATED);
    }

    public boolean anyStoredAside() {
        return files.stream().anyMatch(f -> f.result() == FileOutcome.STORED_ASIDE);
    }
}
