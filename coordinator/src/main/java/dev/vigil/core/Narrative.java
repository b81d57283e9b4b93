package dev.vigil.core;

import java.util.Map;

/**
 * The sentence an operator reads for each step of a failover, from an event's type and fields
 * (as {@link Event#fields()} gives them, or as read back from a log): the one wording that
 * {@code vigil demo} uses on the simulator and in the lab. Events that tell no step of the
 * story (a vote for oneself, an SDOWN clearing) have no sentence.
 */
public final class Narrative {
    private Narrative() {}

    /** The sentence, or null if this event is not part of the story. */
    public static String sentence(String type, Map<String, String> f) {
        return switch (type) {
            case "SdownChanged" -> "true".equals(f.get("down"))
                    ? f.get("watcher") + ": SDOWN " + f.get("node") + " (" + f.get("reason") + ")" : null;
            case "OdownChanged" -> "true".equals(f.get("down"))
                    ? f.get("watcher") + ": ODOWN " + f.get("primary") + " (" + f.get("reports") + " of quorum "
                    + f.get("quorum") + " agree)" : null;
            case "ElectionStarted" -> f.get("candidate") + ": asks for votes in term " + f.get("term");
            case "VoteGranted" -> f.get("voter").equals(f.get("candidate")) ? null
                    : f.get("voter") + ": votes for " + f.get("candidate") + " in term " + f.get("term");
            case "VoteRefused" -> f.get("voter") + ": refuses " + f.get("candidate") + " (" + f.get("reason") + ")";
            case "LeaderElected" -> f.get("leader") + ": leader of term " + f.get("term") + " with " + f.get("votes")
                    + "/" + f.get("needed") + " votes";
            case "FailoverStep" -> f.get("leader") + ": " + f.get("step") + " " + f.get("node") + " -> " + f.get("result");
            case "AgentObeyed" -> "agent " + f.get("node") + ": " + f.get("command") + ", fencing token now "
                    + f.get("term");
            case "IpChanged" -> "agent " + f.get("node") + ": floating IP "
                    + ("true".equals(f.get("held")) ? "acquired" : "released") + " (" + f.get("reason") + ")";
            case "FailoverCompleted" -> f.get("leader") + ": failover done, " + f.get("newPrimary")
                    + " is primary in epoch " + f.get("term");
            case "FailoverAborted" -> f.get("leader") + ": failover of term " + f.get("term") + " aborted ("
                    + f.get("reason") + ")";
            case "FailoverRefused" -> f.get("watcher") + ": failover refused (" + f.get("reason") + ")";
            default -> null;
        };
    }
}
