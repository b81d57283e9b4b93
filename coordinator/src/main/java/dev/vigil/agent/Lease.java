package dev.vigil.agent;

import dev.vigil.config.Timings;
import dev.vigil.core.WatcherId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The self-fencing lease of DESIGN.md step 8, pure: a watcher is live while its latest probe
 * acknowledges a reply this agent sent within {@code fence-after}, and vouches with a term not
 * newer than the agent's config epoch. The agent may hold the IP only while a majority is live.
 */
public final class Lease {
    private record Ack(long stamp, long vouchTerm) {}

    private final Map<WatcherId, Ack> acks = new HashMap<>();
    private final long fenceAfterMs;
    private final int majority;

    public Lease(long fenceAfterMs, int majority) {
        this.fenceAfterMs = fenceAfterMs;
        this.majority = majority;
    }

    /**
     * Records a probe. Probes can arrive out of order: an older ack is ignored, and on a tie the
     * higher vouch term wins, so a delayed probe cannot restore a vouch that was withdrawn.
     */
    public void probe(WatcherId watcher, long ackStamp, long vouchTerm) {
        Ack old = acks.get(watcher);
        if (old == null || ackStamp > old.stamp) {
            acks.put(watcher, new Ack(ackStamp, vouchTerm));
        } else if (ackStamp == old.stamp && vouchTerm > old.vouchTerm) {
            acks.put(watcher, new Ack(ackStamp, vouchTerm));
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
        return now - a.stamp <= fenceAfterMs && a.vouchTerm <= epoch;
    }
}
