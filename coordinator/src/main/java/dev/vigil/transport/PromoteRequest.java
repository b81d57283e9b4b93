package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/** The leader of {@code term} makes {@code node} the group's primary; with the leader's config fingerprint. */
public record PromoteRequest(GroupId group, NodeId node, long term, WatcherId leader, NodeId oldPrimary,
        String fingerprint) {
}
