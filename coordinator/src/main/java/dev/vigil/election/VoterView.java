package dev.vigil.election;

import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;

/**
 * What a voter knows when asked for a vote. {@code silenceNeededMs} is how long the primary must
 * have been silent for the vote to be granted: {@code fence-after + probe-timeout}, so that the
 * primary's lease can no longer count this voter (the last reply it acked left the primary at
 * most probe-timeout after the probe that {@code primarySilentMs} counts from).
 * {@code targetAnswers}: the node a manual request names answers this voter's probes.
 */
public record VoterView(long term, WatcherId votedFor, long configEpoch, NodeId primary, boolean tilt,
        long primarySilentMs, long silenceNeededMs, boolean coolingDown, boolean targetAnswers) {
}
