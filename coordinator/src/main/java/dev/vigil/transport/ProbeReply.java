package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;

/**
 * An agent's answer: whether the node serves, the agent's incarnation (random at its start, never
 * 0) and stamp (its own monotonic clock, which a reboot restarts: the pair is echoed back as an
 * ack, and a stamp means nothing without its incarnation), the config it knows, the highest term
 * it has obeyed, whether it holds the IP, and the config fingerprint of its cluster file, so
 * watchers can show an agent that runs another.
 */
public record ProbeReply(GroupId group, NodeId node, boolean serving, long incarnation, long stamp, long configEpoch,
        NodeId primary, long highestTerm, boolean holdsIp, String fingerprint) {
}
