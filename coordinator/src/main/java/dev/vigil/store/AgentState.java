package dev.vigil.store;

import dev.vigil.core.NodeId;

/** What an agent must not forget about a group: its fencing token and the config it knows. */
public record AgentState(long highestTerm, long configEpoch, NodeId primary) {
}
