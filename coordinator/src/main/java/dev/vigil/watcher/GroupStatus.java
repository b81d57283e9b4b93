package dev.vigil.watcher;

import dev.vigil.core.Fingerprints;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.List;
import java.util.Map;

/**
 * One watcher's view of a group, for operators: who is primary in which epoch, whether this
 * watcher sees it down, the last leader, a failover running (its term, else 0), how long ago
 * the last failover was installed and how long it took (-1 if none), each node's silence, this
 * watcher's config fingerprint of the group, the peers and agents that have sent another, and,
 * for a watcher that started without state and has not yet learned the terms, what it waits for
 * (else null).
 */
public record GroupStatus(GroupId group, NodeId primary, long configEpoch, long term, boolean sdown, boolean odown,
        WatcherId lastLeader, long runningTerm, long sinceFailoverMs, long lastFailoverTookMs,
        Map<NodeId, Long> silentMs, String fingerprint, List<Fingerprints.Peer> configPeers, String learning) {
}
