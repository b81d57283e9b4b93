package dev.vigil.election;

import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/** What a voter knows when asked for a vote. */
public record VoterView(long term, WatcherId votedFor, long configEpoch, NodeId primary, boolean tilt,
        long primarySilentMs, long fenceAfterMs, boolean coolingDown) {
}
