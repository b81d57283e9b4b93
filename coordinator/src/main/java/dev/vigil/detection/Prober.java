package dev.vigil.detection;

import dev.vigil.config.Timings;
import dev.vigil.core.NodeId;
import dev.vigil.time.Scheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;

/**
 * Probes one node of a group, forever: a probe every {@code probe-interval}, each with a
 * deadline of {@code probe-timeout}; after a miss, one every {@code reprobe-interval} until a
 * valid reply to any of them, so that one lost packet never costs a whole interval.
 * {@link #lastOk()} is the send time of the latest probe that got a valid reply: a reply
 * delayed in the network never makes a node look fresher than it is. When the node has been silent for {@code down-after}
 * the listener hears of it at that instant, not at the next probe.
 */
public final class Prober {
    /** What the owner of a prober decides: whether a reply is valid, and what follows a change. */
    public interface Listener {
        /** Sees every reply; returns whether it counts as a valid (healthy) one. */
        boolean accept(Prober prober, ProbeReply reply);

        /** The node's silence changed: a valid reply came, a probe missed, or down-after passed. */
        void changed(Prober prober);
    }

    /** Builds a probe that acks the given stamp of the given agent incarnation (0, 0 before any). */
    public interface Request {
        ProbeRequest build(long ackIncarnation, long ackStamp);
    }

    private final NodeId node;
    private final Timings timings;
    private final Scheduler scheduler;
    private final AgentClient agents;
    private final Request request;
    private final Listener listener;
    private final AckRule ackRule;

    private long lastOk;
    private long lastServing;
    private long lastReplySent;
    private boolean lastReplyServing = true;
    private long ackIncarnation;
    private long ackStamp;
    private long ackSent = Long.MIN_VALUE;
    private boolean answered = true;
    private boolean missing;
    private boolean stopped;
    private Scheduler.Timer timer;
    private Scheduler.Timer downTimer;

    /** {@code request} builds a probe carrying the given ack. The node counts as fresh at creation. */
    public Prober(NodeId node, Timings timings, Scheduler scheduler, AgentClient agents,
            Request request, Listener listener, AckRule ackRule) {
        this.node = node;
        this.timings = timings;
        this.scheduler = scheduler;
        this.agents = agents;
        this.request = request;
        this.listener = listener;
        this.ackRule = ackRule;
        this.lastOk = scheduler.nowMillis();
        this.lastServing = lastOk;
    }

    public void start(long initialDelayMs) {
        timer = scheduler.schedule(initialDelayMs, this::send);
    }

    public void stop() {
        stopped = true;
        cancel(timer);
        cancel(downTimer);
    }

    public NodeId node() {
        return node;
    }

    public long lastOk() {
        return lastOk;
    }

    public long silentFor(long now) {
        return now - lastOk;
    }

    public boolean down(long now) {
        return now - lastOk > timings.downAfterMs();
    }

    /**
     * Whether the node is answering now: its latest timely reply said "serving" and came to a
     * probe sent within the last probe interval + probe-timeout. What a failover's target must
     * be, and what a primary is that {@code --force} must not fence.
     */
    public boolean answers(long now) {
        return lastReplyServing && now - lastServing <= timings.probeIntervalMs() + timings.probeTimeoutMs();
    }

    private void send() {
        if (stopped) {
            return;
        }
        long sent = scheduler.nowMillis();
        answered = false;
        agents.probe(node, request.build(ackIncarnation, ackStamp), (reply, arrived) -> onReply(sent, reply, arrived));
        long deadline = missing ? timings.reprobeIntervalMs() : timings.probeTimeoutMs();
        timer = scheduler.schedule(deadline, () -> onDeadline(sent));
    }

    private void onDeadline(long sent) {
        if (stopped) {
            return;
        }
        if (answered) {
            missing = false;
            long next = sent + timings.probeIntervalMs() - scheduler.nowMillis();
            timer = scheduler.schedule(Math.max(0, next), this::send);
            return;
        }
        missing = true;
        armDownTimer();
        listener.changed(this);
        send();
    }

    private void onReply(long sent, ProbeReply reply, long arrived) {
        if (stopped) {
            return;
        }
        boolean valid = listener.accept(this, reply);
        // A reply that arrived after its deadline counts for nothing: it proves the node was
        // alive at some unknown time after the probe left, and acking its stamp would keep the
        // node's lease alive past the moment this watcher may vote against it. What counts is
        // when it arrived: one that came in time but waited for this thread behind thousands of
        // others is as timely as any.
        if (arrived - sent > timings.probeTimeoutMs()) {
            return;
        }
        if (sent >= lastReplySent) {
            lastReplySent = sent;
            lastReplyServing = reply.serving();
        }
        if (reply.serving() && sent > lastServing) {
            lastServing = sent;
        }
        if (!valid) {
            return;
        }
        // Only a valid reply is acked. A vote against the primary needs fence-after without a
        // valid reply; a watcher that acked the stamps of a primary answering "not serving"
        // would keep its lease alive up to the vote, and up to fence-after past it should the
        // probes that carry the vote be lost.
        ack(sent, reply);
        // Any timely valid reply, to the latest probe or to an earlier re-probe, ends the
        // re-probing: a node whose replies take longer than reprobe-interval (but less than
        // probe-timeout) would otherwise be probed every reprobe-interval for ever after one
        // miss, four times the load on an agent that is slow because it is loaded.
        answered = true;
        if (sent > lastOk) {
            lastOk = sent;
            listener.changed(this);
        }
    }

    /**
     * Keeps the newest stamp of the agent's newest incarnation ({@link AckRule#STANDARD}). Stamps
     * of one incarnation are ordered by its clock; across incarnations only the send times of the
     * probes they answered say which run is the newer, since a reboot restarts the agent's clock
     * (the new run's stamps may be far below the old ones).
     */
    private void ack(long sent, ProbeReply reply) {
        if (ackRule.newer(ackIncarnation, ackStamp, ackSent, reply.incarnation(), reply.stamp(), sent)) {
            ackIncarnation = reply.incarnation();
            ackStamp = reply.stamp();
            ackSent = Math.max(ackSent, sent);
        }
    }

    private void armDownTimer() {
        if (downTimer != null) {
            return;
        }
        long delay = lastOk + timings.downAfterMs() + 1 - scheduler.nowMillis();
        if (delay <= 0) {
            return;
        }
        downTimer = scheduler.schedule(delay, () -> {
            downTimer = null;
            if (!stopped) {
                listener.changed(this);
                if (!answered && !down(scheduler.nowMillis())) {
                    armDownTimer();
                }
            }
        });
    }

    private static void cancel(Scheduler.Timer t) {
        if (t != null) {
            t.cancel();
        }
    }
}
