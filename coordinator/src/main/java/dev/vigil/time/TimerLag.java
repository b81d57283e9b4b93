package dev.vigil.time;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How late the core thread runs its timers: the time from when a timer was due to when it
 * started. Every probe is sent by a timer, so this is a watcher's probe scheduling lag; when it
 * grows, the core thread (or the host) cannot keep up, and TILT is the next step. A histogram
 * with fixed bucket bounds, written by the core thread and read by any: cumulative since start,
 * so a reader takes two snapshots and subtracts them for the figures of a window, the way
 * Prometheus histograms work.
 */
public final class TimerLag {
    /** Upper bounds of the buckets, in microseconds; a last bucket holds everything above. */
    static final long[] BOUNDS_US = {500, 1_000, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 50_000,
        75_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000, 5_000_000};

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_US.length + 1);
    private final AtomicLong sumUs = new AtomicLong();
    private final AtomicLong maxUs = new AtomicLong();

    /** Records one timer that started {@code lagNanos} after it was due (negative counts as 0). */
    public void record(long lagNanos) {
        long us = Math.max(0, lagNanos / 1_000);
        int i = Arrays.binarySearch(BOUNDS_US, us);
        counts.incrementAndGet(i >= 0 ? i : -i - 1);
        sumUs.addAndGet(us);
        maxUs.accumulateAndGet(us, Math::max);
    }

    public Snapshot snapshot() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return new Snapshot(BOUNDS_US.clone(), c, sumUs.get(), maxUs.get());
    }

    /**
     * Counts per bucket ({@code counts[i]} timers with lag at most {@code boundsUs[i]} and above
     * the bound before; the last entry, above every bound), their sum and the largest lag seen.
     */
    public record Snapshot(long[] boundsUs, long[] counts, long sumUs, long maxUs) {
        public Snapshot {
            if (counts.length != boundsUs.length + 1) {
                throw new IllegalArgumentException(counts.length + " counts for " + boundsUs.length + " bounds");
            }
        }

        public long total() {
            return Arrays.stream(counts).sum();
        }

        /**
         * The upper bound of the bucket holding the nearest-rank {@code p}-th percentile, in
         * microseconds: the lag is at most this. {@link Long#MAX_VALUE} when it lies above every
         * bound, -1 when there are no timers.
         */
        public long percentileAtMostUs(double p) {
            long total = total();
            if (total == 0) {
                return -1;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return i < boundsUs.length ? boundsUs[i] : Long.MAX_VALUE;
                }
            }
            return Long.MAX_VALUE;
        }

        /** The timers of the window between {@code earlier} and this one; the max stays this one's (since start). */
        public Snapshot minus(Snapshot earlier) {
            long[] c = counts.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] -= earlier.counts[i];
            }
            return new Snapshot(boundsUs, c, sumUs - earlier.sumUs, maxUs);
        }
    }
}
