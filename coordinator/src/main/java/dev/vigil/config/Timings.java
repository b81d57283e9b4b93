package dev.vigil.config;

/**
 * A group's timings, in milliseconds. The relations between them are what make the protocol
 * safe, so they are checked here, once: a probe times out before the next is due; a lease
 * ({@code fenceAfter}) outlives two probe intervals and a probe timeout, so a healthy primary
 * keeps it; and {@code fenceAfter} stays at least one probe interval below {@code downAfter},
 * so the primary's lease from a voter has lapsed ({@code fenceAfter + probeTimeout} of silence,
 * see {@link dev.vigil.election.VoterView}) by the time a candidate can see ODOWN.
 */
public record Timings(
        long probeIntervalMs,
        long probeTimeoutMs,
        long reprobeIntervalMs,
        long downAfterMs,
        long fenceAfterMs,
        long failoverTimeoutMs) {

    public static final long DEFAULT_PROBE_INTERVAL_MS = 1_000;
    public static final long DEFAULT_DOWN_AFTER_MS = 5_000;
    public static final long DEFAULT_FAILOVER_TIMEOUT_MS = 10_000;

    public Timings {
        positive("probe-interval", probeIntervalMs);
        positive("probe-timeout", probeTimeoutMs);
        positive("reprobe-interval", reprobeIntervalMs);
        positive("down-after", downAfterMs);
        positive("fence-after", fenceAfterMs);
        positive("failover-timeout", failoverTimeoutMs);
        if (probeTimeoutMs >= probeIntervalMs) {
            throw new IllegalArgumentException("probe-timeout (" + probeTimeoutMs
                    + " ms) must be below probe-interval (" + probeIntervalMs + " ms)");
        }
        if (reprobeIntervalMs > probeIntervalMs) {
            throw new IllegalArgumentException("reprobe-interval (" + reprobeIntervalMs
                    + " ms) must not exceed probe-interval (" + probeIntervalMs + " ms)");
        }
        if (fenceAfterMs < 2 * probeIntervalMs + probeTimeoutMs) {
            throw new IllegalArgumentException("fence-after (" + fenceAfterMs
                    + " ms) must be at least two probe intervals plus probe-timeout (" + (2 * probeIntervalMs
                    + probeTimeoutMs) + " ms): a healthy primary would fence itself");
        }
        if (fenceAfterMs > downAfterMs - probeIntervalMs) {
            throw new IllegalArgumentException("fence-after (" + fenceAfterMs
                    + " ms) must be at least one probe interval below down-after (" + downAfterMs
                    + " ms): the old primary must let go before any vote is granted");
        }
        if (failoverTimeoutMs < 2 * probeIntervalMs) {
            throw new IllegalArgumentException("failover-timeout (" + failoverTimeoutMs
                    + " ms) must be at least two probe intervals (" + 2 * probeIntervalMs + " ms)");
        }
    }

    /** Defaults derived from a probe interval and a detection window: fence-after is 3/4 of it. */
    public static Timings of(long probeIntervalMs, long downAfterMs, long failoverTimeoutMs) {
        return new Timings(probeIntervalMs, probeIntervalMs / 2, Math.max(1, probeIntervalMs / 4),
                downAfterMs, downAfterMs * 3 / 4, failoverTimeoutMs);
    }

    public static Timings defaults() {
        return of(DEFAULT_PROBE_INTERVAL_MS, DEFAULT_DOWN_AFTER_MS, DEFAULT_FAILOVER_TIMEOUT_MS);
    }

    /** How long a peer's SDOWN report stays valid without being refreshed. */
    public long reportTtlMs() {
        return 3 * probeIntervalMs;
    }

    /** How often watchers exchange Hello when nothing changes. */
    public long helloIntervalMs() {
        return 2 * probeIntervalMs;
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + v + " ms");
        }
    }
}
