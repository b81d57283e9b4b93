package dev.vigil.watcher;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.Map;

/**
 * One watcher's view of a group, for operators: who is primary in which epoch, whether this
 * watcher sees it down, the last leader, a failover running (its term, else 0), how long ago
 * the last failover was installed and how long it took (-1 if none), and each node's silence.
 */
public record GroupStatus(GroupId group, NodeId primary, long configEpoch, long term, boolean sdown, boolean odown,
        WatcherId lastLeader, long runningTerm, long sinceFailoverMs, long lastFailoverTookMs,
        Map<NodeId, Long> silentMs) {
}
