package dev.vigil.election;

import dev.vigil.transport.VoteRequest;

/**
 * Whether a watcher grants a vote: a pure function of what it knows. The caller has already
 * adopted the request's term if it was higher. {@link #STANDARD} is the only rule Vigil runs;
 * the interface exists so tests can plant a faulty one and prove the simulator catches it.
 */
@FunctionalInterface
public interface VoteRule {
    /** Returns null to grant, else the reason for refusing. */
    String refusal(VoterView voter, VoteRequest request);

    VoteRule STANDARD = (v, r) -> {
        if (r.term() < v.term()) {
            return "stale term " + r.term() + " < " + v.term();
        }
        if (v.votedFor() != null && !v.votedFor().equals(r.candidate())) {
            return "already voted for " + v.votedFor() + " in term " + v.term();
        }
        if (r.configEpoch() != v.configEpoch()) {
            return "config epoch " + r.configEpoch() + " differs from ours " + v.configEpoch();
        }
        if (v.tilt()) {
            return "tilt";
        }
        if (r.manual()) {
            return v.targetAnswers() ? null : "switchover target " + r.target() + " does not answer this watcher";
        }
        if (v.primarySilentMs() <= v.silenceNeededMs()) {
            return "primary " + v.primary() + " replied " + v.primarySilentMs() + " ms ago, within "
                    + v.silenceNeededMs() + " ms (fence-after + probe-timeout)";
        }
        if (v.coolingDown()) {
            return "group failed over less than failover-timeout ago";
        }
        return null;
    };
}
