package dev.vigil.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.store.MemoryStateStore;
import dev.vigil.store.StateStore;
import dev.vigil.store.WatcherState;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** Disk first: a save that fails leaves the ballot, and so everything it tells peers, as it was. */
class BallotTest {
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final WatcherId W1 = new WatcherId("w1");

    /** A disk that fills up on demand. */
    private static final class FullDisk implements StateStore<WatcherState> {
        final MemoryStateStore<WatcherState> inner = new MemoryStateStore<>();
        boolean full;

        @Override
        public WatcherState load(GroupId group) {
            return inner.load(group);
        }

        @Override
        public void save(GroupId group, WatcherState value) {
            if (full) {
                throw new UncheckedIOException(new java.io.IOException("No space left on device"));
            }
            inner.save(group, value);
        }

        @Override
        public void saveLater(GroupId group, WatcherState value) {
            save(group, value);
        }
    }

    @Test
    void aFailedSaveChangesNothingInMemory() {
        var disk = new FullDisk();
        var b = new Ballot(WEB, N1, disk, 0);
        b.observe(3);
        disk.full = true;

        assertThrows(UncheckedIOException.class, () -> b.observe(7));
        assertThrows(UncheckedIOException.class, () -> b.vote(W1, 8, 100, null));
        assertThrows(UncheckedIOException.class, () -> b.install(9, N2));

        assertEquals(3, b.term(), "the term gossiped after failed saves");
        assertNull(b.votedFor());
        assertEquals(0, b.epoch());
        assertEquals(N1, b.primary());
        assertEquals(0, b.vouchTerm(100, 10_000, N1), "a vote that was never saved withdraws nothing");
        assertEquals(new WatcherState(3, null, 0, 0, 0, N1), disk.load(WEB), "memory and disk agree");
    }

    @Test
    void whatIsSavedIsWhatMemoryHolds() {
        var disk = new FullDisk();
        var b = new Ballot(WEB, N1, disk, 0);
        b.vote(W1, 4, 100, null);
        assertEquals(new WatcherState(4, W1, 4, 0, 0, N1), disk.load(WEB));
        b.install(4, N2);
        assertEquals(new WatcherState(4, W1, 4, 0, 4, N2), disk.load(WEB), "same term: the vote stays");
        b.install(6, N1);
        assertEquals(new WatcherState(6, null, 4, 0, 6, N1), disk.load(WEB), "a newer epoch is a newer term");
        assertEquals(6, b.term());
    }

    @Test
    void aManualVoteVouchesItsTermOnlyForItsTargetAndAnAutomaticOneForEveryNode() {
        var b = new Ballot(WEB, N1, new MemoryStateStore<>(), 0);
        b.vote(W1, 3, 100, N2);
        assertEquals(3, b.vouchTerm(200, 10_000, N2), "the target's lease counts this watcher in the new term");
        assertEquals(0, b.vouchTerm(200, 10_000, N1), "the old primary keeps its vouch until it is demoted");

        b.vote(W1, 4, 300, null);
        assertEquals(4, b.vouchTerm(400, 10_000, N1), "an automatic vote withdraws from the old primary");
        assertEquals(4, b.vouchTerm(400, 10_000, N2));
        assertEquals(0, b.vouchTerm(10_300, 10_000, N1), "until the withdrawal window has passed");
    }

    @Test
    void aVoteOutlivesAnOlderEpochLearnedLateButNotANewerOne() {
        var b = new Ballot(WEB, N1, new MemoryStateStore<>(), 0);
        b.vote(W1, 3, 100, null);
        b.install(2, N2); // a switchover of term 2 that completed unseen, learned after the vote
        assertEquals(3, b.vouchTerm(200, 10_000, N2), "the newer vote still withdraws from epoch 2's primary");

        b.install(3, N1);
        assertEquals(3, b.vouchTerm(200, 10_000, N2), "epoch 3 installed: the vouch is the epoch");
        b.install(4, N2);
        assertEquals(4, b.vouchTerm(200, 10_000, N1));
    }
}
