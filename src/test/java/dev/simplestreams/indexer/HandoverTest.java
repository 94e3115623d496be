package dev.simplestreams.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.simplestreams.catalog.Layout;
import dev.simplestreams.catalog.VersionKey;
import dev.simplestreams.store.DataRoot;
import dev.simplestreams.store.FileSystemStore;
import dev.simplestreams.store.HashCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upload through a follower waits on its hand-over until the leader has published it, and no longer. */
class HandoverTest {

    @TempDir
    Path root;

    private VersionKey version() throws Exception {
        return Layout.parseVersionDirectory("images/ubuntu/jammy/amd64/default/20261125_14:05");
    }

    @Test
    void theWaitEndsWhenTheLeaderHasPublishedTheNote() throws Exception {
        FileSystemStore store = new FileSystemStore(new DataRoot(root));
        Handover follower = new Handover(new ChangeNotes(store));
        Handover leader = new Handover(new ChangeNotes(store));
        String note = follower.leave(version(), Map.of());
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(
                () -> follower.await(note, Duration.ofMinutes(1)));

        follower.lookForPublished();
        assertFalse(waited.isDone(), "the note is still waiting for the leader");
        leader.take(new HashCache(), new ChangeQueue(Duration.ZERO));
        List<ChangeNotes.Taken> held = leader.held();
        assertEquals(List.of(version()), held.stream().map(ChangeNotes.Taken::version).toList());
        leader.published(held);
        follower.lookForPublished();

        assertTrue(waited.get(10, TimeUnit.SECONDS));
        assertFalse(follower.anyWaiting());
        assertFalse(leader.holdsNotes());
    }

    @Test
    void anUploadThroughTheLeaderItselfEndsItsWaitWhenItPublishes() throws Exception {
        Handover handover = new Handover(new ChangeNotes(new FileSystemStore(new DataRoot(root))));
        String note = handover.leave(version(), Map.of());
        handover.take(new HashCache(), new ChangeQueue(Duration.ZERO));
        handover.published(handover.held());

        assertTrue(handover.await(note, Duration.ZERO));
    }

    @Test
    void aLeaderThatDoesNotPublishInTimeEndsTheWaitUnpublished() throws Exception {
        Handover follower = new Handover(new ChangeNotes(new FileSystemStore(new DataRoot(root))));
        String note = follower.leave(version(), Map.of());

        assertFalse(follower.await(note, Duration.ofMillis(50)));
        assertFalse(follower.anyWaiting(), "a wait given up is forgotten");
    }
}
