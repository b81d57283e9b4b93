package dev.vigil.store;

import dev.vigil.core.NodeId;

/**
 * What an agent must not forget about a group: its fencing token, the config it knows, and
 * whether the floating IP may be configured on this node. {@code mayHoldIp} turns true (on disk)
 * before an acquire hook starts and false only after a release hook has succeeded, so a restarted
 * agent that finds it false knows that no earlier run left the IP here and runs no release.
 */
public record AgentState(long highestTerm, long configEpoch, NodeId primary, boolean mayHoldIp) {
}
