package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/**
 * A watcher's view of one group, gossiped to peers: its term, the config epoch and primary it
 * knows, whether it sees that primary subjectively down, and the leader it knows for its term
 * (null if none). Sent periodically, at once on change, and as the request and reply of
 * IsPrimaryDown. {@code fingerprint}: the sender's config fingerprint of the group; a
 * receiver on another cluster file does not count the sender's SDOWN.
 */
public record Hello(GroupId group, WatcherId from, long term, long configEpoch, NodeId primary,
        boolean sdown, WatcherId leader, String fingerprint) {
}
