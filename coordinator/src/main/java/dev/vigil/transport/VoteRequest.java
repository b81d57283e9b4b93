package dev.vigil.transport;

import dev.vigil.core.GroupId;
import dev.vigil.core.WatcherId;

/**
 * A candidate asks for a vote in {@code term}; {@code manual} waives ODOWN and voter health. A
 * voter whose config fingerprint differs from the candidate's refuses.
 */
public record VoteRequest(GroupId group, WatcherId candidate, long term, long configEpoch, boolean manual,
        String fingerprint) {
}
