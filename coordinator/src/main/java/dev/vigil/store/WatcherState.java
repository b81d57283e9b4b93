package dev.vigil.store;

import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/**
 * What a watcher must not forget about a group: its term and the vote it cast in it
 * ({@code votedFor}, null if none), the last term it voted in at all and the config epoch it
 * voted against (it stops vouching for that epoch's primary), and the config epoch with its
 * primary.
 */
public record WatcherState(long term, WatcherId votedFor, long lastVoteTerm, long lastVoteEpoch, long configEpoch,
        NodeId primary) {
}
