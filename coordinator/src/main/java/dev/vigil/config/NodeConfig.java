package dev.vigil.config;

import dev.vigil.core.NodeId;
import java.util.Objects;

/** A node of a group: its id and its failover priority (higher is preferred). */
public record NodeConfig(NodeId id, int priority) {
    public NodeConfig {
        Objects.requireNonNull(id, "node id");
        if (priority < 0) {
            throw new IllegalArgumentException("node " + id + ": priority must be >= 0, got " + priority);
        }
    }
}
