package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.WatcherId;

/**
 * A voter's answer, with its current term, when refused why, and its config fingerprint: a grant
 * from a voter on another cluster file is not counted.
 */
public record VoteReply(GroupId group, WatcherId voter, long term, boolean granted, String reason,
        String fingerprint) {
}
