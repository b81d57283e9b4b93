package dev.vigil.agent;

import dev.vigil.config.Timings;
import dev.vigil.core.WatcherId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The self-fencing lease of DESIGN.md step 8, pure: a watcher is live while its latest probe
 * acknowledges a reply this agent sent within {@code fence-after}, and vouches with the agent's
 * config epoch; with an older term only when that watcher names this node primary, or for a
 * short while after a Promote ({@link #promoted}), so that a node promoted in a failover takes
 * the IP at once, before the voters' next probes carry the new term, yet one whose failover was
 * given up cannot take it later on the vouches that the old primary has again by then. The agent
 * may hold the IP only while a majority is live.
 */
public final class Lease {
    private record Ack(long stamp, long vouchTerm, boolean namesMe) {}

    private final Map<WatcherId, Ack> acks = new HashMap<>();
    private final long fenceAfterMs;
    private final int majority;
    private long olderUntil = Long.MIN_VALUE;

    public Lease(long fenceAfterMs, int majority) {
        this.fenceAfterMs = fenceAfterMs;
        this.majority = majority;
    }

    /**
     * Records a probe. Probes can arrive out of order: an older ack is ignored, and on a tie the
     * higher vouch term wins, so a delayed probe cannot restore a vouch that was withdrawn.
     * {@code namesMe}: the probe names this node the primary.
     */
    public void probe(WatcherId watcher, long ackStamp, long vouchTerm, boolean namesMe) {
        Ack old = acks.get(watcher);
        if (old == null || ackStamp > old.stamp || (ackStamp == old.stamp && vouchTerm > old.vouchTerm)) {
            acks.put(watcher, new Ack(ackStamp, vouchTerm, namesMe));
        }
    }

    /**
     * How much longer than now a lease must last for an agent to take the IP: up to a probe
     * interval, so an overloaded node does not take the IP to drop it before the next probe
     * round. The margin stops where a healthy node's acks (up to 2 probe intervals +
     * probe-timeout old before the next probe) would fail it: the whole interval at the defaults,
     * none at the tightest fence-after allowed.
     */
    public static long takeMarginMs(Timings t) {
        long slack = t.fenceAfterMs() - 2 * t.probeIntervalMs() - t.probeTimeoutMs();
        return Math.max(0, Math.min(t.probeIntervalMs(), slack));
    }

    /** A Promote made this node primary: until {@code until}, vouches of older terms count too. */
    public void promoted(long until) {
        olderUntil = until;
    }

    public void clear() {
        acks.clear();
    }

    public int live(long now, long epoch) {
        int n = 0;
        for (Ack a : acks.values()) {
            if (counts(a, now, epoch)) {
                n++;
            }
        }
        return n;
    }

    public boolean held(long now, long epoch) {
        return live(now, epoch) >= majority;
    }

    /** When the lease will lapse if no probe comes, or {@code Long.MAX_VALUE} if not held now. */
    public long expiresAt(long now, long epoch) {
        long[] ends = new long[acks.size()];
        int n = 0;
        for (Ack a : acks.values()) {
            if (counts(a, now, epoch)) {
                ends[n++] = a.stamp + fenceAfterMs;
            }
        }
        if (n < majority) {
            return Long.MAX_VALUE;
        }
        Arrays.sort(ends, 0, n);
        return ends[n - majority] + 1;
    }

    private boolean counts(Ack a, long now, long epoch) {
        return now - a.stamp <= fenceAfterMs
                && (a.vouchTerm == epoch || (a.vouchTerm < epoch && (a.namesMe || now < olderUntil)));
    }
}
