package dev.vigil.transport.udp;

import dev.vigil.transport.udp.Envelope.Drop;
import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the datagrams a side dropped, by reason, and logs them without flooding: the first
 * drop of each reason at once, then at most one line per reason every {@value #LOG_EVERY_MS} ms,
 * with how many were dropped since the last line. A flood of forged datagrams costs a counter
 * increment each, not a log line.
 */
final class Drops {
    static final long LOG_EVERY_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.udp");

    private final String side;
    private final Map<Drop, AtomicLong> counts = new EnumMap<>(Drop.class);
    private final Map<Drop, AtomicLong> unlogged = new EnumMap<>(Drop.class);
    private final Map<Drop, AtomicLong> lastLog = new EnumMap<>(Drop.class);

    Drops(String side) {
        this.side = side;
        for (Drop d : Drop.values()) {
            counts.put(d, new AtomicLong());
            unlogged.put(d, new AtomicLong());
            lastLog.put(d, new AtomicLong(Long.MIN_VALUE));
        }
    }

    /**
     * One dropped datagram: {@code peer} is where it came from (or, for a failed send, where it
     * was going); {@code sender} is null when the datagram did not prove one.
     */
    void count(Drop why, SocketAddress from, String sender, String detail) {
        long total = counts.get(why).incrementAndGet();
        long pending = unlogged.get(why).incrementAndGet();
        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        AtomicLong last = lastLog.get(why);
        long prev = last.get();
        if ((prev == Long.MIN_VALUE || now - prev >= LOG_EVERY_MS) && last.compareAndSet(prev, now)) {
            unlogged.get(why).addAndGet(-pending);
            log.warn("ProbeDatagramDropped side={} reason={} peer={} sender={} detail=\"{}\" dropped={} total={}", side,
                    why.key, from, sender == null ? "-" : sender, detail, pending, total);
        }
    }

    /** How many datagrams were dropped for {@code why} since start. */
    long count(Drop why) {
        return counts.get(why).get();
    }

    /** Every reason's count since start. */
    Map<Drop, Long> snapshot() {
        Map<Drop, Long> out = new EnumMap<>(Drop.class);
        counts.forEach((d, n) -> out.put(d, n.get()));
        return out;
    }
}
