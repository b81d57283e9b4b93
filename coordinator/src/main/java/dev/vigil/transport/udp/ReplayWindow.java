package dev.vigil.transport.udp;

import java.util.HashMap;
import java.util.Map;

/**
 * Replay defence for authenticated datagrams, per sender: the highest sequence number seen of
 * the sender's current incarnation and a 64-entry bitmap below it (the anti-replay window of
 * IPsec, RFC 4303 §3.4.3, and WireGuard), so datagrams reordered by up to 64 still count and
 * each is taken at most once. An incarnation carries the sender's start time in its high bits:
 * a higher one is a restart and starts a fresh window; a lower one is a recording of an earlier
 * run and is refused for as long as this receiver runs, however long ago it was made. Pure and
 * single-threaded: the receive thread that owns it is the only caller.
 */
final class ReplayWindow {
    static final int SIZE = 64;

    enum Verdict {
        FRESH, REPLAY, OLD_INCARNATION
    }

    private static final class State {
        long incarnation;
        long highest;
        long seen; // bit i: highest - i was taken
    }

    private final Map<String, State> senders = new HashMap<>();

    /** Takes {@code sequence} of {@code sender}'s {@code incarnation} if it is new; call only after the MAC checked out. */
    Verdict accept(String sender, long incarnation, long sequence) {
        State s = senders.get(sender);
        if (s == null || Long.compareUnsigned(incarnation, s.incarnation) > 0) {
            s = new State();
            s.incarnation = incarnation;
            s.highest = sequence;
            s.seen = 1;
            senders.put(sender, s);
            return Verdict.FRESH;
        }
        if (incarnation != s.incarnation) {
            return Verdict.OLD_INCARNATION;
        }
        if (sequence > s.highest) {
            long shift = sequence - s.highest;
            s.seen = shift >= SIZE ? 1 : (s.seen << shift) | 1;
            s.highest = sequence;
            return Verdict.FRESH;
        }
        long age = s.highest - sequence;
        if (age >= SIZE || (s.seen & (1L << age)) != 0) {
            return Verdict.REPLAY;
        }
        s.seen |= 1L << age;
        return Verdict.FRESH;
    }

    /**
     * An incarnation for a process starting at {@code startMillis} (wall clock): ordered by start
     * time, 16 random low bits so two processes started in the same millisecond differ, never 0.
     */
    static long incarnation(long startMillis, int random16) {
        long id = (startMillis << 16) | (random16 & 0xFFFF);
        return id == 0 ? 1 : id;
    }
}
