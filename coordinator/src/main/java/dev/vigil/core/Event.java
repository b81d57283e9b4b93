package dev.vigil.core;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every decision the protocol takes, with its reason. Watchers and agents emit these to an
 * {@link EventSink}: the daemons log them as structured lines and stream them to operators, the
 * simulator checks its invariants against them.
 */
public sealed interface Event {
    long at();

    GroupId group();

    /** {@code Type k=v k=v}: one structured line, for logs and traces. */
    default String describe() {
        var sb = new StringBuilder(getClass().getSimpleName());
        fields().forEach((k, v) -> sb.append(' ').append(k).append('=').append(quote(v)));
        return sb.toString();
    }

    /**
     * A value as one token: quoted when it holds a space, quote, backslash or line break, with
     * those escaped, so a hook's multi-line output stays on its event's one log line.
     */
    private static String quote(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\\' || c == '\n' || c == '\r')) {
            return v;
        }
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
    }

    /** The event's fields by name, in declaration order, {@code at} left out. */
    default Map<String, String> fields() {
        var out = new LinkedHashMap<String, String>();
        for (RecordComponent c : getClass().getRecordComponents()) {
            if (c.getName().equals("at")) {
                continue;
            }
            try {
                out.put(c.getName(), String.valueOf(c.getAccessor().invoke(this)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** A watcher's own view of a node changed: no valid reply for longer than down-after, or a reply again. */
    record SdownChanged(long at, WatcherId watcher, GroupId group, NodeId node, boolean down, String reason)
            implements Event {}

    /** Enough SDOWN reports (own included) about the primary, or no longer. */
    record OdownChanged(long at, WatcherId watcher, GroupId group, NodeId primary, boolean down, int reports,
            int quorum) implements Event {}

    record ElectionStarted(long at, WatcherId candidate, GroupId group, long term, String cause,
            List<WatcherId> downReports) implements Event {}

    record VoteGranted(long at, WatcherId voter, GroupId group, long term, WatcherId candidate) implements Event {}

    record VoteRefused(long at, WatcherId voter, GroupId group, long term, WatcherId candidate, String reason)
            implements Event {}

    record ElectionLost(long at, WatcherId candidate, GroupId group, long term, int votes, int needed,
            String reason) implements Event {}

    record LeaderElected(long at, WatcherId leader, GroupId group, long term, int votes, int needed, String cause)
            implements Event {}

    /** One step of a leader's failover: release, fence, promote; with its result. */
    record FailoverStep(long at, WatcherId leader, GroupId group, long term, String step, NodeId node,
            String result) implements Event {}

    record FailoverCompleted(long at, WatcherId leader, GroupId group, long term, NodeId oldPrimary,
            NodeId newPrimary, long tookMs) implements Event {}

    record FailoverAborted(long at, WatcherId leader, GroupId group, long term, String reason) implements Event {}

    /** An operator's failover request refused before anything was done; {@code to} null: any standby. */
    record FailoverRefused(long at, WatcherId watcher, GroupId group, NodeId to, String reason) implements Event {}

    /** A watcher learned a newer config epoch (from a peer, an agent, or its own failover). */
    record EpochAdopted(long at, WatcherId watcher, GroupId group, long epoch, NodeId primary, String source)
            implements Event {}

    /**
     * A watcher or agent ({@code process}) that started without state waits to learn the terms
     * before it votes or obeys ({@code learning}), or has learned them ({@code term}: the highest).
     */
    record StateLearning(long at, String process, GroupId group, boolean learning, long term, String reason)
            implements Event {}

    /** TILT applies to a watcher as a whole; {@code group} is null. */
    record TiltChanged(long at, WatcherId watcher, GroupId group, boolean tilt, String reason) implements Event {}

    /** An agent accepted a command of {@code term}; its fencing token is now {@code term}. */
    record AgentObeyed(long at, NodeId node, GroupId group, long term, String command) implements Event {}

    /** An agent refused a command: from a term below its fencing token, or while it learns the terms. */
    record AgentRefused(long at, NodeId node, GroupId group, long term, long highestTerm, String command,
            String reason) implements Event {}

    /** An agent learned a newer config epoch from a watcher's probe. */
    record AgentEpochAdopted(long at, NodeId node, GroupId group, long epoch, NodeId primary, WatcherId from)
            implements Event {}

    /** A node's local service check started or stopped passing. */
    record ServiceChanged(long at, NodeId node, GroupId group, boolean ok, String reason) implements Event {}

    /** The floating IP was acquired or released on {@code node}, and why. */
    record IpChanged(long at, NodeId node, GroupId group, boolean held, String reason) implements Event {}

    /**
     * A peer ({@code kind} watcher or agent) sent a message of {@code group} under another cluster
     * file: its config fingerprint differs from this host's. Emitted on the first such message
     * from that peer and whenever its fingerprint changes; {@code mismatched} counts them all.
     * {@code effect} says what became of the message (refused, not counted, or used anyway).
     */
    record ConfigMismatch(long at, String host, GroupId group, String kind, String peer, String message,
            String theirs, String mine, long mismatched, String effect) implements Event {}

    /** A peer that had sent another config fingerprint now sends this host's again. */
    record ConfigAgreed(long at, String host, GroupId group, String kind, String peer, String fingerprint,
            long mismatched) implements Event {}

    /** A stopping primary's agent asked {@code watcher} to move the role away; {@code result} is the answer. */
    record StepDownAsked(long at, NodeId node, GroupId group, long term, String watcher, String result)
            implements Event {}

    /**
     * How a stopping agent left a group: {@code handed-over} (the leader of a switchover released
     * the IP here), {@code released} (the stop ran the release hook itself), {@code standby}
     * (nothing here to hand over) or {@code still-held} (the release did not succeed in time).
     */
    record AgentStopped(long at, NodeId node, GroupId group, long term, String outcome, String reason, long tookMs)
            implements Event {}

    record HookFinished(long at, String host, GroupId group, String hook, String outcome, int exitCode,
            String output) implements Event {}
}
