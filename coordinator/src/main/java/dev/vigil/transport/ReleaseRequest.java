package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/**
 * The leader of {@code term} tells {@code node} to let go of the IP ({@code demote}: and step down
 * gracefully); with the leader's config fingerprint.
 */
public record ReleaseRequest(GroupId group, NodeId node, long term, WatcherId leader, boolean demote,
        String fingerprint) {
}
