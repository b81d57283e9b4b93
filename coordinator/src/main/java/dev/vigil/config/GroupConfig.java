package dev.vigil.config;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One HA group as the protocol sees it: nodes, initial primary, timings and ODOWN quorum. */
public record GroupConfig(GroupId id, List<NodeConfig> nodes, NodeId initialPrimary, Timings timings, int quorum) {
    public GroupConfig {
        Objects.requireNonNull(id, "group id");
        Objects.requireNonNull(timings, "timings");
        nodes = List.copyOf(nodes);
        if (nodes.size() < 2) {
            throw new IllegalArgumentException("group " + id + ": needs at least two nodes, got " + nodes.size());
        }
        var seen = new HashSet<NodeId>();
        for (NodeConfig n : nodes) {
            if (!seen.add(n.id())) {
                throw new IllegalArgumentException("group " + id + ": duplicate node " + n.id());
            }
        }
        if (!seen.contains(initialPrimary)) {
            throw new IllegalArgumentException(
                    "group " + id + ": initial primary " + initialPrimary + " is not one of its nodes " + seen);
        }
        if (quorum < 1) {
            throw new IllegalArgumentException("group " + id + ": quorum must be >= 1, got " + quorum);
        }
    }

    public Optional<NodeConfig> node(NodeId node) {
        for (NodeConfig n : nodes) {
            if (n.id().equals(node)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
