package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/**
 * A watcher's probe of a node's agent. It carries the config the watcher knows (so a returning
 * old primary learns it is not primary), {@code vouchTerm} (the term of a vote for a failover
 * the watcher still backs, else its config epoch) and {@code ackStamp}, the stamp of the latest
 * reply it got from this agent, with {@code ackIncarnation}, the agent incarnation that issued
 * it (0 before any): the two feed the agent's self-fencing lease. {@code term} is the watcher's
 * current term, from which an agent that lost its state learns its fencing token again.
 * {@code fingerprint}: the watcher's config fingerprint of the group, which the agent compares
 * with its own.
 */
public record ProbeRequest(GroupId group, WatcherId watcher, NodeId node, long configEpoch, NodeId primary,
        long vouchTerm, long ackIncarnation, long ackStamp, long term, String fingerprint) {
}
