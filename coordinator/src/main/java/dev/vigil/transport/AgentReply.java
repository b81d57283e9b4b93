package dev.vigil.transport;

/** An agent's answer to Promote or Release. */
public record AgentReply(Outcome outcome, String reason, long highestTerm) {
    public enum Outcome {
        OK,
        /** The request's term is below one the agent has obeyed: a stale leader. */
        STALE_TERM,
        RETRYABLE,
        PERMANENT
    }

    public static AgentReply ok(long highestTerm) {
        return new AgentReply(Outcome.OK, "ok", highestTerm);
    }
}
