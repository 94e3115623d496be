package dev.simplestreams.web;

import dev.simplestreams.access.AccessRules;
import dev.simplestreams.delta.DeltaService;
import dev.simplestreams.mirror.MirrorService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mirror's and delta generation's part of {@code /status}, which anyone may read, without what would tell
 * of a private view's images: a path is shown only where anonymous readers may see it, and a message that does
 * not begin with such a path (an upstream URL, an exception) is replaced by a pointer to the server's log, where
 * it is in full. Unchanged when nothing is private.
 */
final class AnonymousStatus {

    static final String HIDDEN = "hidden: it may name a private image; see the server's log";

    private final AccessRules rules;

    AnonymousStatus(AccessRules rules) {
        this.rules = rules;
    }

    MirrorService.Status mirror(MirrorService.Status status) {
        if (!rules.limitsReading()) {
            return status;
        }
        List<MirrorService.RemoteStatus> remotes = new ArrayList<>();
        for (MirrorService.RemoteStatus remote : status.remotes()) {
            remotes.add(new MirrorService.RemoteStatus(remote.name(), remote.url(), remote.state(),
                    remote.lastStarted(), remote.lastFinished(), remote.lastSuccess(), message(remote.lastError()),
                    remote.progress(), remote.fetchedFiles(), remote.fetchedBytes(), entries(remote.problems()),
                    entries(remote.skipped())));
        }
        return new MirrorService.Status(status.intervalSeconds(), status.leader(), status.syncing(), remotes,
                paths(status.scheduledDeletions()));
    }

    DeltaService.Status deltas(DeltaService.Status status) {
        if (!rules.limitsReading()) {
            return status;
        }
        return new DeltaService.Status(status.enabled(), status.encoder(), status.unavailable(),
                status.working() == null || rules.anonymousShowsPath(status.working()) ? status.working() : HIDDEN,
                status.queued(), status.generated(), status.failed(), status.tooLarge(), status.bytesSaved(),
                status.millisSpent(), message(status.lastError()), paths(status.refused()));
    }

    /** Entries whose {@code where} is a path anonymous readers may see, and how many others there are. */
    private List<Map<String, String>> entries(List<Map<String, String>> entries) {
        List<Map<String, String>> shown = new ArrayList<>(
                entries.stream().filter(entry -> rules.anonymousShowsPath(entry.get("where"))).toList());
        if (shown.size() < entries.size()) {
            shown.add(Map.of("where", "(" + (entries.size() - shown.size()) + " more)", "reason", HIDDEN));
        }
        return shown;
    }

    private Map<String, String> paths(Map<String, String> byPath) {
        Map<String, String> shown = new LinkedHashMap<>();
        byPath.forEach((path, value) -> {
            if (rules.anonymousShowsPath(path)) {
                shown.put(path, value);
            }
        });
        return shown;
    }

    private String message(String message) {
        if (message == null) {
            return null;
        }
        int end = message.indexOf(':');
        return end > 0 && rules.anonymousShowsPath(message.substring(0, end)) ? message : HIDDEN;
    }
}
