package dev.simplestreams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.simplestreams.access.AccessFile;
import dev.simplestreams.access.AccessFileException;
import dev.simplestreams.access.AccessRules;
import dev.simplestreams.delta.DeltaService;
import dev.simplestreams.mirror.MirrorService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What /status tells anyone of the mirror and of deltas: never a path or message of a private view's images. */
class AnonymousStatusTest {

    static final String SECRET = "images/team-a/app/amd64/default/20261201_00:00";
    static final String OPEN = "images/debian/12/amd64/default/20261201_00:00";
    static final String RULES = """
            {"views": {"team-a": {"users": ["reader"], "under": ["images/team-a/"]}},
             "users": {"reader": {"password_hash": "%s"}}}""";

    @Test
    void theMirrorsProblemsSkipsAndDeletionsKeepOnlyWhatTheRootShows() throws AccessFileException {
        MirrorService.Status status = new MirrorService.Status(3600, true, false, List.of(
                new MirrorService.RemoteStatus("upstream", "https://images.example.com/", "idle", null, null, null,
                        "sync failed here: https://images.example.com/images/team-a/app/x: 404", null, 2, 10,
                        List.of(problem(SECRET, "not mirrored: conflict"), problem(OPEN, "not mirrored: conflict"),
                                problem("upstream product team-a:app", "not mirrored: bad name")),
                        List.of(problem("https://images.example.com/" + SECRET + "/lxd.tar.xz", "not mirrored")))),
                Map.of(SECRET, "2026-12-01T02:00:00Z", OPEN, "2026-12-01T02:00:00Z"));

        MirrorService.Status shown = new AnonymousStatus(rules()).mirror(status);

        MirrorService.RemoteStatus remote = shown.remotes().get(0);
        assertEquals(List.of(problem(OPEN, "not mirrored: conflict"), problem("(2 more)", AnonymousStatus.HIDDEN)),
                remote.problems());
        assertEquals(List.of(problem("(1 more)", AnonymousStatus.HIDDEN)), remote.skipped());
        assertEquals(AnonymousStatus.HIDDEN, remote.lastError());
        assertEquals(Map.of(OPEN, "2026-12-01T02:00:00Z"), shown.scheduledDeletions());
    }

    @Test
    void deltaGenerationNamesOnlyWhatTheRootShows() throws AccessFileException {
        AnonymousStatus anonymous = new AnonymousStatus(rules());
        DeltaService.Status secret = anonymous.deltas(deltas(SECRET + "/20261130_00:00.vcdiff",
                SECRET + "/20261130_00:00.vcdiff: failed: no space"));
        DeltaService.Status open = anonymous.deltas(deltas(OPEN + "/20261130_00:00.vcdiff",
                OPEN + "/20261130_00:00.vcdiff: failed: no space"));

        assertEquals(AnonymousStatus.HIDDEN, secret.working());
        assertEquals(AnonymousStatus.HIDDEN, secret.lastError());
        assertEquals(Map.of(OPEN + "/20261130_00:00.vcdiff", "too large"), secret.refused());
        assertEquals(OPEN + "/20261130_00:00.vcdiff", open.working());
        assertEquals(OPEN + "/20261130_00:00.vcdiff: failed: no space", open.lastError());
    }

    @Test
    void withoutPrivateViewsNothingIsHidden() throws AccessFileException {
        DeltaService.Status status = deltas(SECRET + "/x.vcdiff", "java.io.IOException: disk gone");
        assertEquals(status, new AnonymousStatus(AccessFile.parse("{}".getBytes(StandardCharsets.UTF_8)))
                .deltas(status));
    }

    private static DeltaService.Status deltas(String working, String lastError) {
        return new DeltaService.Status(true, "xdelta3 3.1.0", null, working, 0, 1, 1, 0, 0, 0, lastError,
                Map.of(SECRET + "/20261129_00:00.vcdiff", "too large", OPEN + "/20261130_00:00.vcdiff", "too large"));
    }

    private static Map<String, String> problem(String where, String reason) {
        return Map.of("where", where, "reason", reason);
    }

    private static AccessRules rules() throws AccessFileException {
        String hash = "a".repeat(32) + "$1000$" + "b".repeat(128);
        return AccessFile.parse(RULES.formatted(hash).getBytes(StandardCharsets.UTF_8));
    }
}
