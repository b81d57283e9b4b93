package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.WatcherId;

/** A voter's answer, with its current term and, when refused, why. */
public record VoteReply(GroupId group, WatcherId voter, long term, boolean granted, String reason) {
}
