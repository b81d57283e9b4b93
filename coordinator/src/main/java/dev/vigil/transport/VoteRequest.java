package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/**
 * A candidate asks for a vote in {@code term}; {@code manual} waives ODOWN and voter health, and
 * names the node the switchover goes to ({@code target}, null for an automatic failover): a
 * voter grants it only while that node answers its own probes. A voter whose config fingerprint
 * differs from the candidate's refuses.
 */
public record VoteRequest(GroupId group, WatcherId candidate, long term, long configEpoch, boolean manual,
        NodeId target, String fingerprint) {
}
